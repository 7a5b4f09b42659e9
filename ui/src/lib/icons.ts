// Line icons on a 24×24 grid, drawn with the current text colour.

export type Shape =
  | { d: string; fill?: boolean }
  | { cx: number; cy: number; r: number; fill?: boolean }
  | { x: number; y: number; w: number; h: number; rx: number };

export const ICONS = {
  plus: [{ d: "M12 5v14M5 12h14" }],
  lock: [{ x: 5, y: 11, w: 14, h: 10, rx: 2 }, { d: "M8 11V7.5a4 4 0 0 1 8 0V11" }],
  unlock: [{ x: 5, y: 11, w: 14, h: 10, rx: 2 }, { d: "M8 11V7.5a4 4 0 0 1 7.6-1.7" }],
  settings: [
    { d: "M4 7h8M16 7h4M4 17h4M12 17h8" },
    { cx: 14, cy: 7, r: 2 },
    { cx: 10, cy: 17, r: 2 },
  ],
  transfer: [{ d: "M7 20V4M3.5 7.5L7 4l3.5 3.5M17 4v16M13.5 16.5L17 20l3.5-3.5" }],
  search: [{ cx: 11, cy: 11, r: 6.5 }, { d: "M20 20l-4.2-4.2" }],
  more: [
    { cx: 12, cy: 5.5, r: 1.6, fill: true },
    { cx: 12, cy: 12, r: 1.6, fill: true },
    { cx: 12, cy: 18.5, r: 1.6, fill: true },
  ],
  copy: [{ x: 9, y: 9, w: 11, h: 11, rx: 2 }, { d: "M15 9V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v7a2 2 0 0 0 2 2h3" }],
  refresh: [{ d: "M19.5 12a7.5 7.5 0 1 1-2.2-5.3M19.5 4.5v4h-4" }],
  sync: [{ d: "M4.5 11a7.5 7.5 0 0 1 13.3-4.3M19.5 4v4h-4M19.5 13a7.5 7.5 0 0 1-13.3 4.3M4.5 20v-4h4" }],
  close: [{ d: "M6 6l12 12M18 6L6 18" }],
  check: [{ d: "M5 12.5l4.5 4.5L19 7.5" }],
  image: [{ x: 3, y: 4, w: 18, h: 16, rx: 2 }, { cx: 9, cy: 10, r: 2 }, { d: "M21 15.5l-5-5L6 20" }],
  screen: [{ x: 3, y: 4, w: 18, h: 12, rx: 2 }, { d: "M8 20h8M12 16v4" }],
  link: [
    { d: "M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1" },
  ],
  pencil: [{ d: "M4 20h4L19 9l-4-4L4 16v4zM13.5 6.5l4 4" }],
  trash: [{ d: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" }],
  up: [{ d: "M12 19V5M6 11l6-6 6 6" }],
  down: [{ d: "M12 5v14M6 13l6 6 6-6" }],
  eye: [{ d: "M2.5 12S6 5.5 12 5.5 21.5 12 21.5 12 18 18.5 12 18.5 2.5 12 2.5 12z" }, { cx: 12, cy: 12, r: 3 }],
  warning: [{ d: "M12 3.5L21.5 20h-19L12 3.5zM12 10v4.5M12 17.5v.01" }],
  left: [{ d: "M15 6l-6 6 6 6" }],
  right: [{ d: "M9 6l6 6-6 6" }],
  download: [{ d: "M12 4v11M7 10.5l5 5 5-5M5 20h14" }],
  upload: [{ d: "M12 16V5M7 9.5l5-5 5 5M5 20h14" }],
  phone: [{ x: 7, y: 2.5, w: 10, h: 19, rx: 2 }, { d: "M11 18h2" }],
  key: [{ cx: 8, cy: 15, r: 4 }, { d: "M11 12l8.5-8.5M16.5 6.5l3 3M14 9l2 2" }],
  file: [{ d: "M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5V8l-5-5zM14 3v5h5" }],
  shield: [{ d: "M12 3l7.5 3v5.5c0 4.6-3.2 8.2-7.5 9.5-4.3-1.3-7.5-4.9-7.5-9.5V6L12 3z" }],
} satisfies Record<string, Shape[]>;

export type IconName = keyof typeof ICONS;
