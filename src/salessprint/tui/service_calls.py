"""Running service calls off the UI thread and bringing results back.

`call_service` runs a service function in a thread worker; the result comes
back to `done` on the UI thread. Expected failures (`SalesSprintError`) become
an error notification; anything else is logged and notified, never a crash.
What comes back has every control character drawn as a symbol
(domain/text.visible_value), so no stored title drives the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, TypeAlias, TypeVar

from textual.worker import Worker, get_current_worker

from salessprint.domain.errors import SalesSprintError, StaleWrite
from salessprint.domain.text import visible, visible_value

if TYPE_CHECKING:
    from salessprint.store.db import Store
    from salessprint.tui.live import LiveStoreApp

T = TypeVar("T")

if TYPE_CHECKING:
    ServiceFn: TypeAlias = Callable[Concatenate[Store, str, ...], T]
    """A service function: the store and my login first, then its own arguments."""


def call_service(
    app: LiveStoreApp,
    fn: ServiceFn[T],
    *args: object,
    done: Callable[[T], object] | None = None,
    failed: Callable[[SalesSprintError], object] | None = None,
    group: str | None = None,
    **kwargs: object,
) -> Worker[None]:
    """Run `fn(app.store, app.login, *args, **kwargs)` in a thread worker."""

    def job() -> None:
        try:
            store = app.store  # (tests host dialogs in small apps with a `store` and a `login`)
            if store is None:
                raise RuntimeError("the store is not open yet")
            result = visible_value(fn(store, app.login, *args, **kwargs))  # no stored escape reaches the screen
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


def _report(app: LiveStoreApp, exc: SalesSprintError, failed: Callable[[SalesSprintError], object] | None) -> None:
    if failed is not None:
        failed(exc)
    title = "Changed by someone else" if isinstance(exc, StaleWrite) else "Not done"
    app.notify(visible(exc.message), title=title, severity="error", markup=False, timeout=8)
