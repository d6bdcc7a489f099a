"""One module per sheet; each has ``write(ws, ctx, ...)`` that lays the sheet out and records,
in ``ctx.outputs``, the Python engine's value of every formula cell that calls a function."""
