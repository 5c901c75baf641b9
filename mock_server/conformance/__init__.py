"""Client conformance: rules over the journal, certification scenarios, reports a CI gates on."""
