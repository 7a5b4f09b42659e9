import type { IconName } from "./icons";

/** One action in an account's menu. */
export interface MenuItem {
  id: string;
  label: string;
  icon: IconName;
  testid: string;
  disabled?: boolean;
  danger?: boolean;
  run: () => void;
}

/** The tabs of the Add dialog. */
export type AddTab = "image" | "screen" | "link" | "manual";
