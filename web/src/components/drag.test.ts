import type { KeyboardCoordinateGetter } from "@dnd-kit/core";
import { describe, expect, it } from "vitest";
import { toNeighbour } from "./drag";

type Args = Parameters<KeyboardCoordinateGetter>[1];
const rect = (left: number, top: number, width: number, height: number) => ({ left, top, width, height, right: left + width, bottom: top + height });

/** A sensor context holding targets (id → rect and kind) and a lifted thing at `at`. */
function context(targets: Record<string, [ReturnType<typeof rect>, string?]>, at: ReturnType<typeof rect>, kind?: string): Args {
  const containers = Object.entries(targets).map(([id, [, k]]) => ({ id, data: { current: k ? { kind: k } : {} } }));
  return {
    active: "a",
    currentCoordinates: { x: at.left, y: at.top },
    context: {
      active: { id: "a", data: { current: kind ? { kind } : {} } },
      collisionRect: at,
      droppableRects: new Map(Object.entries(targets).map(([id, [r]]) => [id, r])),
      droppableContainers: { getEnabled: () => containers },
    },
  } as unknown as Args;
}
const key = (code: string) => ({ code, preventDefault() {} }) as KeyboardEvent;
/** Where the middle of the lifted thing ends up. */
function middle(code: string, ctx: Args) {
  const to = toNeighbour(key(code), ctx);
  const at = ctx.context.collisionRect!;
  // It starts with its corner at the pointer's place, so its middle moves as the pointer does.
  return to && { x: to.x + at.width / 2, y: to.y + at.height / 2 };
}

describe("toNeighbour", () => {
  // Three days in a row and one under the first; the lifted item sits in the first day.
  const days = { mon: [rect(0, 0, 100, 100)], tue: [rect(100, 0, 100, 100)], wed: [rect(200, 0, 100, 100)], next: [rect(0, 100, 100, 100)] } as Record<string, [ReturnType<typeof rect>]>;
  const item = rect(10, 40, 80, 20);

  it("moves into the nearest target that way, level where it can", () => {
    expect(middle("ArrowRight", context(days, item))).toEqual({ x: 102, y: 50 });
    expect(middle("ArrowDown", context(days, item))).toEqual({ x: 50, y: 102 });
  });

  it("stays where it is with nothing that way, and leaves other keys alone", () => {
    expect(middle("ArrowLeft", context(days, item))).toEqual({ x: 50, y: 50 });
    expect(toNeighbour(key("KeyA"), context(days, item))).toBeUndefined();
  });

  it("prefers a target level with it over a nearer one off to the side", () => {
    const lanes = { low: [rect(120, 300, 100, 50)], level: [rect(160, 0, 100, 600)] } as Record<string, [ReturnType<typeof rect>]>;
    expect(middle("ArrowRight", context(lanes, item))).toEqual({ x: 162, y: 50 });
  });

  it("only goes to targets of the lifted thing's kind", () => {
    const mixed = { head: [rect(100, 0, 100, 100), "column"], row: [rect(300, 0, 100, 100), "row"] } as Record<string, [ReturnType<typeof rect>, string]>;
    expect(middle("ArrowRight", context(mixed, item, "row"))).toEqual({ x: 302, y: 50 });
  });
});
