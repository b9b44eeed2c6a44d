import type { NewProcessSpec } from "./create-body";
import type { ErrorCode } from "./errors";
import type { ProcessRecord } from "./process-status";
import type { SupervisorInfo } from "./supervisor-info";

/** Shapes of the control API's bodies, shared by the server and the client. */

export interface ApiErrorBody {
  error: { code: ErrorCode; message: string; hint?: string };
}

export interface StatusBody {
  supervisor: SupervisorInfo;
  processes: ProcessRecord[];
}

export interface CreateBody {
  processes: NewProcessSpec[];
  /** End processes of the same names first instead of refusing. */
  replace?: boolean;
}

export interface CreatedBody {
  records: ProcessRecord[];
  errors: ApiErrorBody["error"][];
}

/** What `GET /v1/processes/NAME/wait` waits for: readiness (or an end before it), or the end. */
export type WaitFor = "ready" | "exit";
export type WaitOutcome = "ready" | "exited" | "not-ready" | "timeout" | "removed";

export interface WaitAnswer {
  outcome: WaitOutcome;
  record: ProcessRecord | null;
}
