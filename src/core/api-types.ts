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

/** The answer to `POST /v1/projects/:project/stop`. */
export interface ProjectStoppedBody {
  stopped: ProcessRecord[];
  /** Nothing of any project was left, so the supervisor is leaving too. */
  supervisorLeaving: boolean;
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

/**
 * A streamed answer (events, logs, a long operation) sends a blank at least this often when
 * it has nothing else to say: under the server's idle timeout (10 s), which would cut a quiet
 * answer, and what tells a client a stream that went silent from one that is quiet.
 */
export const KEEP_ALIVE_MS = 5000;

/**
 * One line of `GET /v1/events`: first the status as `GET /v1/status` has it, then every change
 * of a record as it happens. A client that reads slowly gets each process's latest record, not
 * every step it went through.
 */
export type StatusEvent =
  | ({ type: "status" } & StatusBody)
  | { type: "change"; record: ProcessRecord }
  | { type: "removed"; record: ProcessRecord }
  /** The supervisor began to stop everything; the stream ends once it has. */
  | { type: "closing" };
