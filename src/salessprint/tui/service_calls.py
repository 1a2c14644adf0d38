"""Running service calls off the UI thread and bringing results back.

`call_service` runs a service function in a thread worker; the result comes
back to `done` on the UI thread. Expected failures (`SalesSprintError`) become
an error notification; anything else is logged and notified, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import App
from textual.worker import Worker, get_current_worker

from salessprint.domain.errors import SalesSprintError, StaleWrite

T = TypeVar("T")


def call_service(
    app: App[Any],
    fn: Callable[..., T],
    *args: Any,
    done: Callable[[T], Any] | None = None,
    failed: Callable[[SalesSprintError], Any] | None = None,
    group: str | None = None,
    **kwargs: Any,
) -> Worker[None]:
    """Run `fn(app.store, app.login, *args, **kwargs)` in a thread worker."""

    def job() -> None:
        try:
            result = fn(app.store, app.login, *args, **kwargs)  # type: ignore[attr-defined]
        except SalesSprintError as exc:
            app.call_from_thread(_report, app, exc, failed)
            return
        except Exception as exc:
            app.log.error(f"{fn.__name__} failed: {exc!r}")
            app.call_from_thread(
                app.notify,
                f"Something went wrong: {type(exc).__name__}. Details are in the log.",
                severity="error",
                markup=False,
            )
            return
        if done is not None and not get_current_worker().is_cancelled:
            # A cancelled worker (replaced in its exclusive group) answers nobody.
            app.call_from_thread(done, result)

    return app.run_worker(
        job,
        thread=True,
        exclusive=group is not None,
        group=group or "default",
        exit_on_error=False,
        name=getattr(fn, "__name__", "service"),
    )


def _report(app: App[Any], exc: SalesSprintError, failed: Callable[[SalesSprintError], Any] | None) -> None:
    if failed is not None:
        failed(exc)
    title = "Changed by someone else" if isinstance(exc, StaleWrite) else "Not done"
    app.notify(exc.message, title=title, severity="error", markup=False, timeout=8)
