// Dragging, the same in every view: dnd-kit with a mouse (past a few pixels, so a click still
// clicks), a finger (a press held briefly, so a swipe still scrolls) or the keyboard (focus the
// thing, Space to lift it, arrows to move it, Space to drop it, Escape to put it back).
// Where one view drags two kinds of things (the table's rows and its columns), each draggable's
// and droppable's data carries a `kind`, and a thing lands only on targets of its own kind.
import { DragOverlay, KeyboardSensor, MouseSensor, pointerWithin, TouchSensor, useSensor, useSensors, type Active, type CollisionDetection, type DroppableContainer, type KeyboardCoordinateGetter } from "@dnd-kit/core";
import { type ReactNode, useCallback, useMemo, useRef } from "react";
import { createPortal } from "react-dom";

/** Whether a target takes what is lifted: both say the same `kind` (or neither says one). */
const takes = (target: DroppableContainer, active: Active | null) => target.data.current?.kind === active?.data.current?.kind;

/** The sensors every view drags with; `keys` says where an arrow key takes what is lifted
 * (by default to the nearest drop target that way). */
export function useDragSensors(keys: KeyboardCoordinateGetter = toNeighbour) {
  return useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 5 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 200, tolerance: 8 } }),
    useSensor(KeyboardSensor, { coordinateGetter: keys }),
  );
}

/** Where a drop lands: the target under the pointer, or, lifted by the keyboard (no pointer),
 * the target under the middle of what is lifted. Targets in views are the places things go
 * (a day, a lane, a row, a cell), so "under" is what a person means, not "overlapping most". */
export const underPointer: CollisionDetection = (args) => {
  const droppableContainers = args.droppableContainers.filter((c) => takes(c, args.active));
  const r = args.collisionRect;
  return pointerWithin({ ...args, droppableContainers, pointerCoordinates: args.pointerCoordinates ?? { x: r.left + r.width / 2, y: r.top + r.height / 2 } });
};

const WAYS: Record<string, [number, number]> = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };

/** Moves what is lifted so its middle is at the middle of `r`. */
export function toMiddleOf(r: { left: number; top: number; width: number; height: number }, at: { left: number; top: number; width: number; height: number }, from: { x: number; y: number }) {
  return { x: from.x + r.left + r.width / 2 - (at.left + at.width / 2), y: from.y + r.top + r.height / 2 - (at.top + at.height / 2) };
}

/** Where the last arrow key aimed what is lifted (null until one has, in this drag). */
type Trail = { current: { x: number; y: number } | null };

/** An arrow key takes what is lifted to the nearest drop target that way: its middle moves just
 * inside that target (keeping its place across the arrow's direction where it can). With a
 * `trail`, each key goes on from where the last one aimed: dnd-kit's measured position (and the
 * coordinates it gives, read off it) trails a quick run of presses until the page catches up. */
export function towardsNeighbour(trail?: Trail): KeyboardCoordinateGetter {
  return (event, args) => nearestThatWay(event, args, trail);
}

/** `towardsNeighbour` without a trail. */
export const toNeighbour: KeyboardCoordinateGetter = towardsNeighbour();

/** Arrow keys as `towardsNeighbour` with a trail; call `lifted` when a drag starts. */
export function useNeighbourKeys(): { keys: KeyboardCoordinateGetter; lifted: () => void } {
  const trail = useRef<{ x: number; y: number } | null>(null);
  const keys = useMemo(() => towardsNeighbour(trail), []);
  const lifted = useCallback(() => {
    trail.current = null;
  }, []);
  return { keys, lifted };
}

function nearestThatWay(event: KeyboardEvent, { currentCoordinates, context }: Parameters<KeyboardCoordinateGetter>[1], trail?: Trail) {
  const way = WAYS[event.code];
  const at = context.collisionRect;
  if (!way) return undefined;
  event.preventDefault();
  if (!at) return currentCoordinates;
  // Where dnd-kit last measured the middle (what `currentCoordinates` are read off), and where
  // it is headed.
  const measured = { x: at.left + at.width / 2, y: at.top + at.height / 2 };
  const mid = trail?.current ?? measured;
  let best: { x: number; y: number; cost: number } | null = null;
  for (const target of context.droppableContainers.getEnabled()) {
    const r = context.droppableRects.get(target.id);
    if (!r || !takes(target, context.active)) continue;
    const [dx, dy] = way;
    // How far that way the target begins (it must begin past the middle), and how far off to
    // the side it is (nothing when the middle is level with it).
    const ahead = dx > 0 ? r.left - mid.x : dx < 0 ? mid.x - r.right : dy > 0 ? r.top - mid.y : mid.y - r.bottom;
    if (ahead <= 0) continue;
    const [lo, hi, c] = dx ? [r.top, r.bottom, mid.y] : [r.left, r.right, mid.x];
    const aside = c < lo ? lo - c : c > hi ? c - hi : 0;
    const cost = ahead + 2 * aside;
    if (best && best.cost <= cost) continue;
    const inside = (v: number, a: number, b: number) => Math.min(Math.max(v, a + 2), b - 2);
    best = { x: inside(mid.x, r.left, r.right), y: inside(mid.y, r.top, r.bottom), cost };
  }
  if (!best) return currentCoordinates;
  if (trail) trail.current = { x: best.x, y: best.y };
  return { x: currentCoordinates.x + best.x - measured.x, y: currentCoordinates.y + best.y - measured.y };
}

/** What follows the pointer (or the keyboard) while something is dragged. Rendered in the
 * page's body: inside a moved or scaled container (a dashboard widget's grid cell) a fixed
 * overlay would be placed relative to that container, away from where it is measured. */
export function Follower({ children }: { children: ReactNode }) {
  return createPortal(<DragOverlay dropAnimation={null}>{children}</DragOverlay>, document.body);
}
