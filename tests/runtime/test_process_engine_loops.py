"""The BPMN process engine: multi-instance and standard loops."""

from __future__ import annotations

from tests.runtime.test_process_engine import Process, flow


def looping(task: str, loop: str) -> str:
    return (
        '<startEvent id="s"/>' + flow("f1", "s", "t") + task.replace("LOOP", loop)
        + flow("f2", "t", "after") + '<userTask id="after"/>'
    )  # fmt: skip


def multi(sequential: bool, inner: str, completion: str = "") -> str:
    seq = "true" if sequential else "false"
    end = f"<completionCondition>{completion}</completionCondition>" if completion else ""
    return f'<multiInstanceLoopCharacteristics isSequential="{seq}">{inner}{end}'


CARDINALITY = "<loopCardinality>n</loopCardinality></multiInstanceLoopCharacteristics>"


def test_a_parallel_multi_instance_task_runs_every_instance_at_once():
    process = Process(
        looping('<userTask id="t">LOOP</userTask>', multi(False, CARDINALITY)), {"n": 3}
    )
    assert process.states("t").count("active") == 4  # the body and three runs
    for _ in range(3):
        assert process.states("after") == []
        process.do("complete", "t")
    assert process.states("after") == ["active"]
    assert process.states("t") == ["completed"] * 4


def test_a_sequential_multi_instance_runs_over_a_collection_one_at_a_time():
    inner = (
        "<loopDataInputRef>reviewers</loopDataInputRef>"
        '<inputDataItem id="reviewer" name="reviewer"/></multiInstanceLoopCharacteristics>'
    )
    body = looping('<userTask id="t">LOOP</userTask>', multi(True, inner))
    process = Process(body, {"reviewers": ["ann", "bob"]})
    assert process.states("t") == ["active", "active"]
    assert process.state.data["reviewer"] == "ann"
    process.do("complete", "t")
    assert process.state.data["reviewer"] == "bob"
    assert process.states("t") == ["active", "completed", "active"]
    process.do("complete", "t")
    assert process.states("after") == ["active"]


def test_a_completion_condition_ends_the_remaining_instances():
    loop = multi(False, "<loopCardinality>3</loopCardinality>", "nrOfCompletedInstances &gt;= 1")
    process = Process(
        looping('<userTask id="t">LOOP</userTask>', loop + "</multiInstanceLoopCharacteristics>")
    )
    process.do("complete", "t")
    assert sorted(process.states("t")) == ["completed", "completed", "terminated", "terminated"]
    assert process.states("after") == ["active"]


def test_an_empty_collection_skips_the_activity():
    inner = "<loopDataInputRef>items</loopDataInputRef></multiInstanceLoopCharacteristics>"
    process = Process(
        looping('<userTask id="t">LOOP</userTask>', multi(False, inner)), {"items": []}
    )
    assert process.states("after") == ["active"]


def test_a_standard_loop_repeats_a_script_while_its_condition_holds_up_to_its_maximum():
    script = '<scriptTask id="t">LOOP<script>i = i + 1</script></scriptTask>'
    loop = '<standardLoopCharacteristics loopMaximum="{m}"><loopCondition>i &lt; 3</loopCondition></standardLoopCharacteristics>'
    assert Process(looping(script, loop.format(m=10)), {"i": 0}).state.data == {"i": 3}
    assert Process(looping(script, loop.format(m=2)), {"i": 0}).state.data == {"i": 2}


def test_a_standard_loop_testing_before_may_not_run_at_all():
    script = '<scriptTask id="t">LOOP<script>i = i + 1</script></scriptTask>'
    loop = '<standardLoopCharacteristics testBefore="true"><loopCondition>i &lt; 3</loopCondition></standardLoopCharacteristics>'
    process = Process(looping(script, loop), {"i": 5})
    assert process.state.data == {"i": 5} and process.states("after") == ["active"]
