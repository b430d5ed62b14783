// The names of the board's items as loaded, by id: what a dependency cell shows for the
// items it names, and what its picker offers. Provided by the board page.
import { createContext, useContext } from "react";

export const ItemNamesContext = createContext<Map<string, string>>(new Map());
export const useItemNames = () => useContext(ItemNamesContext);
