/** JSON values as SQLite's JSON columns hold them (what JSON.parse can return). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };
