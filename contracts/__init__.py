"""The Schemathesis contract suite: proves a server (the sandbox, or Integral) keeps to the spec."""
