#!/bin/sh
# The launcher as an executable, for runTests({ vscodeExecutablePath }) and VSCODE_EXECUTABLE=.
exec node "$(dirname "$0")/launcher.mjs" "$@"
