// Server types, generated from openapi.json into schema.d.ts (`npm run gen`); never copied by hand.
import type { components } from "./schema";

type S = components["schemas"];
export type User = S["User"];
export type Me = S["MeResponse"];
export type Workspace = S["Workspace"];
type Json = Record<string, unknown>;
export type Column = Omit<S["Column"], "settings"> & { settings: Json };
export type Board = Omit<S["Board"], "columns"> & { columns?: Column[] };
export type Group = S["Group"];
export type Item = Omit<S["Item"], "values"> & { values: Json };
export type BoardEvent = Omit<S["BoardEvent"], "payload"> & { payload: Json };
export type Update = S["Update"];
export type Notification = S["Notification"];
export type NotificationPage = S["NotificationPage"];
export type QueryResponse = Omit<S["QueryResponse"], "data"> & { data: Item[] };
export type TemplateInfo = S["TemplateInfo"];
export type ErrorBody = S["ErrorBody"];
export type ColumnType = S["ColumnType"];
export type Member = S["Member"];
export type Page<T> = { data: T[]; next_cursor?: string | null };
