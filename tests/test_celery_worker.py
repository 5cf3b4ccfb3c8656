from __future__ import annotations

import pytest
from celery.result import allow_join_result

from core.tasks import ping
from mentoring.celery import app
from tests.support.workers import WorkerProcess


@pytest.fixture
def worker():
    process = WorkerProcess().start()
    app.conf.task_always_eager = False
    yield process
    app.conf.task_always_eager = True
    process.stop()


@pytest.mark.redis
@pytest.mark.worker
def test_a_task_makes_the_round_trip_through_redis_and_a_real_worker(worker):
    result = ping.apply_async(args=["hello"], queue=worker.queue)
    # Eager tasks run earlier in this process can leave Celery's process-global "inside a
    # task" flag set; this test joins from test code, not from a task.
    with allow_join_result():
        assert result.get(timeout=60) == "pong:hello", worker.output()
    assert "Task core.tasks.ping" in worker.output()
