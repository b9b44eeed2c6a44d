import type { SupervisorInfo } from "../core/supervisor-info";
import { consola } from "consola";

/** Follows processes' output in the foreground; comes with `tend logs -f`. */
export async function followOutput(_info: SupervisorInfo, names: string[]): Promise<number> {
  consola.info(`follow their output with: tend logs -f ${names.join(" ")}`);
  return 0;
}
