/** Where a config is looked for, in this order, when no file is named. */
export const CONFIG_FILE_NAMES: readonly string[] = Object.freeze(["tend.toml", "tend.yaml", "tend.yml", "tend.json", "Procfile"]);
