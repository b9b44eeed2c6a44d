/** Every key of `tend ui`, as `?` lists them and the README shows them. */
export const BINDINGS: { keys: string; what: string }[] = [
  { keys: "↑ ↓  j k", what: "select a process (with the log pane focused: scroll it)" },
  { keys: "g G  Home End", what: "first / last process (log pane: oldest line / follow the end)" },
  { keys: "PgUp PgDn", what: "scroll the log pane (or the details) back and forth" },
  { keys: "Tab", what: "move the focus between the list and the log pane" },
  { keys: "Enter  d", what: "details of the selected process (again: back to its log)" },
  { keys: "l", what: "log pane: the selected process, or all of them interleaved" },
  { keys: "f", what: "log pane: both streams, stdout only, stderr only" },
  { keys: "/  n N", what: "search the log pane; next / previous match" },
  { keys: "s", what: "start the selected process (if it is not running)" },
  { keys: "x", what: "stop it (it stays listed)" },
  { keys: "r", what: "restart it" },
  { keys: "K", what: "kill it and remove it from the list (asks first)" },
  { keys: "a", what: "attach to it (Ctrl-\\ detaches and comes back here)" },
  { keys: "p", what: "open its log (or all logs) in $PAGER" },
  { keys: ":", what: "a command line: any tend command, e.g. :bg --name x -- npm run dev" },
  { keys: "S", what: "start the supervisor again, when it is not running" },
  { keys: "Esc", what: "close help, details or command output; clear the search" },
  { keys: "?", what: "this help" },
  { keys: "q  Ctrl-C", what: "quit (the processes keep running)" },
];

/** The footer's reminder: what is cut at 80 columns is in the help. */
export const FOOTER_KEYS = "q quit  ? help  j/k move  r restart  s start  x stop  K kill  a attach  : command  / search  l all logs  d details";
