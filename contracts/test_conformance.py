"""Every operation with positive and negative data under every check, then the linked workflow."""

from __future__ import annotations

import hypothesis
from schemathesis import Case

from integral_mock.contracts.target import current

target = current()
schema = target.generated()


@schema.parametrize()
def test_operation_keeps_the_contract(case: Case) -> None:
    case.call_and_validate()


Workflow = hypothesis.seed(target.settings.seed)(schema.as_state_machine())
TestWorkflow = Workflow.TestCase
TestWorkflow.settings = hypothesis.settings(
    TestWorkflow.settings, max_examples=target.settings.max_examples, database=None
)
