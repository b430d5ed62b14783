// The live connection: one WebSocket, resubscribing with `since_seq` after every reconnect so
// no event is missed, with the connection state exposed for an offline indicator.
import type { BoardEvent, ClientFrame, Notification, Presence, PresenceState, ServerFrame } from "./types";

export type LiveStatus = "connecting" | "online" | "offline";

export interface LiveHandlers {
  onEvent(e: BoardEvent): void;
  onPresence(boardId: string, users: Presence[]): void;
  onNotification(n: Notification): void;
  onResync(boardId: string): void;
  onStatus(s: LiveStatus): void;
}

/** Listeners for the board-scoped frames, so each open board hears its own. */
export type Bus = {
  events: Set<(e: BoardEvent) => void>;
  presence: Set<(boardId: string, users: Presence[]) => void>;
  resync: Set<(boardId: string) => void>;
};

export class Live {
  private ws?: WebSocket;
  private boards = new Map<string, number>();
  private presences = new Map<string, { item_id: string | null; column_id: string | null; state: PresenceState }>();
  private retry = 500;
  private closed = false;

  private timer?: ReturnType<typeof setTimeout>;

  constructor(private h: LiveHandlers) {
    this.connect();
    // The browser knows before the socket does: drop it at once, and retry as soon as the
    // network is back rather than after the backoff.
    window.addEventListener("offline", () => this.ws?.close());
    window.addEventListener("online", () => {
      if (this.ws?.readyState !== WebSocket.OPEN) {
        clearTimeout(this.timer);
        this.retry = 500;
        this.connect();
      }
    });
  }

  private connect() {
    if (this.ws && this.ws.readyState <= WebSocket.OPEN) {
      // Replaced by this attempt: it must not schedule its own reconnect.
      this.ws.onclose = null;
      this.ws.close();
    }
    this.h.onStatus(navigator.onLine ? "connecting" : "offline");
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const ws = new WebSocket(`${proto}://${location.host}/ws`);
    this.ws = ws;
    ws.onopen = () => {
      this.retry = 500;
      this.h.onStatus("online");
      for (const [board, seq] of this.boards) this.follow(board, seq);
    };
    ws.onmessage = (m) => {
      const f = JSON.parse(m.data as string) as ServerFrame;
      switch (f.type) {
        case "event":
          this.boards.set(f.board_id, f.seq);
          this.h.onEvent(f);
          break;
        case "presence":
          this.h.onPresence(f.board_id, f.users);
          break;
        case "notification":
          this.h.onNotification(f);
          break;
        case "resync":
          this.h.onResync(f.board_id);
          break;
        case "reconnect":
          ws.close();
          break;
      }
    };
    ws.onclose = () => {
      if (this.closed) return;
      this.h.onStatus("offline");
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 10_000);
    };
  }

  private send(f: ClientFrame) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(f));
  }

  /** Follows a board from `seq` (the seq of the data the app already shows). */
  subscribe(board: string, seq: number) {
    this.boards.set(board, seq);
    this.follow(board, seq);
  }

  /** Subscribes, then restates our presence there (presence needs the subscription). */
  private follow(board: string, seq: number) {
    this.send({ type: "subscribe", board_id: board, since_seq: seq });
    const p = this.presences.get(board);
    if (p) this.send({ type: "presence", board_id: board, ...p });
  }

  unsubscribe(board: string) {
    this.boards.delete(board);
    this.presences.delete(board);
    this.send({ type: "unsubscribe", board_id: board });
  }

  /** Where I am on a board: `item` (and `column`, the cell) while editing one. */
  presence(board: string, item: string | null, state: PresenceState, column: string | null = null) {
    const p = { item_id: item, column_id: item ? column : null, state };
    this.presences.set(board, p);
    if (this.boards.has(board)) this.send({ type: "presence", board_id: board, ...p });
  }

  /** Says again where I am on a board (the server forgets presence not restated in 30 s). */
  restate(board: string) {
    const p = this.presences.get(board);
    if (p && this.boards.has(board)) this.send({ type: "presence", board_id: board, ...p });
  }

  close() {
    this.closed = true;
    this.ws?.close();
  }
}
