"""`sanpalang worker`: the stream processors.

- `correlator`: the state machine, pure: the `persons_stage` (event dedupe, event-time order, the
  clock's bound, the matcher) handing each event on to the `case_stage` (case fold, rules,
  referrals, consumer copies, operators' decisions); `outputs`: what they publish, and where.
- `split`, `handover`, `stages`, `locks`: the two stages on two lanes joined by topics
  (`--stages split`), what crosses between them, what each loop runs, and the group that deals
  the lanes to the workers.
- `reorder`: event-time order from arrival order.
- `lane`: the single-partition input log and its entries (events, actions, ticks, flushes).
- `loop`, `views`: the two loops and their commit disciplines; the correlate loop's parts: `clients`
  (its Kafka clients), `batch` (entries through the correlator), `checkpoint` (the transaction),
  `replay` (rebuilding from the lane and a `snapshot`), `ticks`, `aggregating`.
- `app`, `command`: the faust app and the CLI; `metrics`, `lag`: what Prometheus scrapes.
"""
