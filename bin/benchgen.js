#!/usr/bin/env node
// The CLI runs from the committed bundle, so it starts fast and needs no build step.
import '../dist/cli/index.js'
