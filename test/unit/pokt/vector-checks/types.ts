/** Checks one upstream vector; throws (via node:assert) when the implementation disagrees. */
export type VectorCheck = (inputs: any, expected: any, vector: { kind: string; name: string; [k: string]: any }) => void;
