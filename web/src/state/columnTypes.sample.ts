// `GET /api/v1/column-types` as the server answered it when these tests were written, for the
// unit tests of the logic that reads it.
import type { ColumnTypeInfo } from "../api/types";

export const SAMPLE_TYPES: ColumnTypeInfo[] = [
  { type: "text", title: "Text", value: "a single line of text", origin: "written", filter_operators: ["eq", "neq", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "long_text", title: "Long text", value: "text", origin: "written", filter_operators: ["eq", "neq", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "number", title: "Numbers", value: "a number", origin: "written", filter_operators: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "any_of", "none_of", "is_empty", "is_not_empty"], groupable: false, default_settings: {"decimals": 2, "unit": null} },
  { type: "status", title: "Status", value: "the id of one of its labels (a string)", origin: "written", filter_operators: ["eq", "neq", "any_of", "none_of", "is_empty", "is_not_empty"], groupable: true, default_settings: {"labels": [{"color": "orange", "done": false, "id": "l1", "name": "Working on it"}, {"color": "red", "done": false, "id": "l2", "name": "Stuck"}, {"color": "green", "done": true, "id": "l3", "name": "Done"}]} },
  { type: "dropdown", title: "Dropdown", value: "an array of the ids of its options", origin: "written", filter_operators: ["any_of", "none_of", "contains", "is_empty", "is_not_empty"], groupable: true, default_settings: {"options": []} },
  { type: "date", title: "Date", value: "a date \"YYYY-MM-DD\" or an RFC 3339 date-time \"YYYY-MM-DDTHH:MM:SSZ\"", origin: "written", filter_operators: ["eq", "before", "after", "between", "within", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "timeline", title: "Timeline", value: "an object {\"from\": date, \"to\": date} with from not after to", origin: "written", filter_operators: ["eq", "before", "after", "between", "within", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "people", title: "People", value: "an array of user ids", origin: "written", filter_operators: ["any_of", "none_of", "contains", "is_empty", "is_not_empty"], groupable: true, default_settings: {} },
  { type: "checkbox", title: "Checkbox", value: "true or false", origin: "written", filter_operators: ["eq", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "rating", title: "Rating", value: "a whole number from 0 to 5", origin: "written", filter_operators: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "any_of", "none_of", "is_empty", "is_not_empty"], groupable: false, default_settings: {"max": 5} },
  { type: "link", title: "Link", value: "an object {\"url\": \"https://\u2026\", \"text\": \"\u2026\"}", origin: "written", filter_operators: ["eq", "neq", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "email", title: "Email", value: "an email address", origin: "written", filter_operators: ["eq", "neq", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "phone", title: "Phone", value: "a phone number in international form, \"+\" then 7 to 15 digits", origin: "written", filter_operators: ["eq", "neq", "contains", "not_contains", "starts_with", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "tags", title: "Tags", value: "an array of at most 50 tags of 1 to 50 characters", origin: "written", filter_operators: ["any_of", "none_of", "contains", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "auto_number", title: "Item number", value: "no value: it is computed", origin: "system", filter_operators: ["eq", "neq", "gt", "gte", "lt", "lte", "between", "any_of", "none_of", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "item_id", title: "Item ID", value: "no value: it is computed", origin: "system", filter_operators: ["eq", "any_of"], groupable: false, default_settings: {} },
  { type: "creation_log", title: "Creation log", value: "no value: it is computed", origin: "system", filter_operators: ["eq", "before", "after", "between", "within", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "last_updated", title: "Last updated", value: "no value: it is computed", origin: "system", filter_operators: ["eq", "before", "after", "between", "within", "is_empty", "is_not_empty"], groupable: false, default_settings: {} },
  { type: "button", title: "Button", value: "no value: it is computed", origin: "system", filter_operators: ["is_empty", "is_not_empty"], groupable: false, default_settings: {} },
];
