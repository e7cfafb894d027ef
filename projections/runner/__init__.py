"""The projection runner: read models fed from the log, exactly once, and rebuilt.

One module per concept; imports point one way, from the top of this list down:

- `runner`: `ProjectionRunner`, the live runner and its thread, read-your-writes;
- `rebuild`: shadow tables replayed and swapped in while the live ones serve;
- `replay`: folding the log into shadow tables, here or in child processes;
- `status`: position and lag of each read model;
- `failures`: read models stopped at an event they cannot fold;
- `tracking`: each read model's position, moved exactly once per batch;
- `folding`: a failed batch folded event by event, to find the event at fault;
- `log_reader`: the log's head and batches of decoded events;
- `tables`: creating, dropping and analysing a read model's tables;
- `errors`: `RebuildError`, `ProjectionVersionError`.
"""
