#!/usr/bin/env node
require("../dist/server/server.js");
