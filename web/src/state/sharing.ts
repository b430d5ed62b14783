// Board access in words: who can see a board (its kind) and what a member may do (their
// permission), for the sharing dialog and the members' avatars. Keyed by the API's enums, so a
// new value fails to compile here rather than showing raw.
import type { BoardKind, BoardPermission } from "../api/types";

export const PERMISSION_WORDS: Record<BoardPermission, string> = {
  owner: "Owner",
  edit_all: "Can edit everything",
  edit_content: "Can edit items",
  view: "Can view",
};

export const KIND_WORDS: Record<BoardKind, string> = {
  public: "Everyone in the organization",
  private: "Only the board's members",
  shareable: "The board's members, guests included",
};

/** The permissions, most first (the API's order). */
export const PERMISSIONS = Object.keys(PERMISSION_WORDS) as BoardPermission[];
export const KINDS = Object.keys(KIND_WORDS) as BoardKind[];
