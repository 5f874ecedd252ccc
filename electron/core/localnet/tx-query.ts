// The subset of CometBFT's event query language that tx_search and Tx subscriptions need:
// `cond AND cond …` where cond is `key op operand`, op one of = < <= > >= CONTAINS EXISTS, operand a
// 'quoted string' or a number. Keys are `tx.hash`, `tx.height`, `tm.event` or `<event type>.<attribute>`.
export type Operator = "=" | "<" | "<=" | ">" | ">=" | "CONTAINS" | "EXISTS";

export interface Condition {
  key: string;
  op: Operator;
  /** Unquoted operand; undefined for EXISTS. */
  value?: string;
  numeric: boolean;
}

const CONDITION = /^\s*([A-Za-z0-9_.\-/]+)\s*(<=|>=|=|<|>|\s+CONTAINS\s+|\s+EXISTS)\s*(?:'([^']*)'|(-?\d+(?:\.\d+)?))?\s*$/;

export class TxQueryError extends Error {
  override readonly name = "TxQueryError";
}

export function parseTxQuery(query: string): Condition[] {
  const parts = query.split(/\s+AND\s+/);
  return parts.map((part) => {
    const match = CONDITION.exec(part);
    if (match === null) throw new TxQueryError(`cannot parse query condition ${JSON.stringify(part.trim())}`);
    const op = match[2].trim() as Operator;
    const quoted = match[3];
    const number = match[4];
    if (op !== "EXISTS" && quoted === undefined && number === undefined) {
      throw new TxQueryError(`condition ${JSON.stringify(part.trim())} needs an operand`);
    }
    return { key: match[1], op, value: quoted ?? number, numeric: number !== undefined };
  });
}

/** Whether one attribute value satisfies a condition (numbers compare numerically). */
export function matchesValue(condition: Condition, actual: string): boolean {
  const expected = condition.value ?? "";
  switch (condition.op) {
    case "EXISTS":
      return true;
    case "CONTAINS":
      return actual.includes(expected);
    case "=":
      return condition.numeric ? Number(actual) === Number(expected) : actual === expected;
    default: {
      const a = Number(actual);
      const b = Number(expected);
      if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
      if (condition.op === "<") return a < b;
      if (condition.op === "<=") return a <= b;
      if (condition.op === ">") return a > b;
      return a >= b;
    }
  }
}

/** Whether a set of events (plus the implicit tx.* and tm.event keys) satisfies every condition. */
export function matchesEvents(conditions: readonly Condition[], attributes: ReadonlyMap<string, readonly string[]>): boolean {
  return conditions.every((condition) => (attributes.get(condition.key) ?? []).some((value) => matchesValue(condition, value)));
}
