import pkg from "../../package.json" with { type: "json" };

declare const TEND_BUILD_COMMIT: string | undefined;
declare const TEND_BUILD_TARGET: string | undefined;

export const VERSION: string = pkg.version;

/** The git commit the binary was built from (set by scripts/build.ts); "source" when run from source. */
export const COMMIT: string = typeof TEND_BUILD_COMMIT === "string" ? TEND_BUILD_COMMIT : "source";

/** The Bun compile target of the binary, such as "bun-linux-x64-musl"; "source" when run from source. */
export const TARGET: string = typeof TEND_BUILD_TARGET === "string" ? TEND_BUILD_TARGET : "source";
