// Server types, generated from openapi.json into schema.d.ts (`npm run gen`); never copied by hand.
import type { components } from "./schema";

export type S = components["schemas"];
export type Me = S["MeResponse"];
export type Workspace = S["Workspace"];
export type Column = S["Column"];
export type Board = S["Board"];
export type Group = S["Group"];
export type Item = S["Item"];
export type Update = S["Update"];
export type UpdateCount = S["UpdateCount"];
export type View = S["View"];
export type QueryResponse = S["QueryResponse"];
export type SortKeySpec = S["SortKeySpec"];
export type Footer = S["Footer"];
export type Notification = S["Notification"];
export type TemplateInfo = S["TemplateInfo"];
export type ErrorBody = S["ErrorBody"];
export type ColumnType = S["ColumnType"];
export type ColumnTypeInfo = S["ColumnTypeInfo"];
export type ValueOrigin = S["ValueOrigin"];
export type BoardMember = S["BoardMember"];
export type BoardPermission = S["BoardPermission"];
export type BoardKind = S["BoardKind"];
export type Presence = S["PresenceEntry"];
export type PresenceState = S["PresenceState"];
export type ServerFrame = S["ServerFrame"];
export type Automation = S["Automation"];
export type AutomationRun = S["AutomationRun"];
export type Trigger = S["Trigger"];
export type Action = S["Action"];
export type Webhook = S["Webhook"];
export type Delivery = S["Delivery"];
export type Period = S["Period"];
export type BoardLink = S["BoardLink"];
export type LinkKind = S["LinkKind"];
export type CreatedLink = S["CreatedLink"];
export type CreateLinkRequest = S["CreateLinkRequest"];
export type InboundMapping = S["InboundMapping"];
export type MatchRule = S["MatchRule"];
export type ClientFrame = S["ClientFrame"];

/** One entry of a board's event log: a union discriminated by `kind`, so `switch (e.kind)`
 * narrows `e.payload` to that change's payload. */
export type BoardEvent = S["BoardEvent"];
export type FormSettings = S["FormSettings"];
export type FormField = S["FormField"];
export type PublicForm = S["PublicForm"];
export type PublicField = S["PublicField"];
export type Dashboard = S["Dashboard"];
export type Widget = S["Widget"];
export type WidgetKind = S["WidgetKind"];
export type AnalyticsQuery = S["AnalyticsQuery"];
export type Bucket = S["Bucket"];
export type ReportRequest = S["ReportRequest"];
export type ReportAnswer = S["ReportAnswer"];
