// Types of scripts/engines.mjs (plain JavaScript so that CI can run it before `npm ci`).
export function parseVersion(text: string): [number, number, number];
export function satisfies(version: string, range: string): boolean;
export function requiredNode(): string;
