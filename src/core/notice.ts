/** How much a supervisor notice matters; the front end decides how each level looks. */
export type NoticeLevel = "info" | "warn" | "error";
