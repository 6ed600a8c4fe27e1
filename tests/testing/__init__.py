"""Scenario tests (`studio test`): loading, naming, running, reporting, with a fake engine."""
