"""`salessprint review` (and `serve`): the app opened on the review, in the
projector theme unless the user chose another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from salessprint.tui.app import SalesSprintApp

if TYPE_CHECKING:
    from salessprint.store.db import Store


class ReviewApp(SalesSprintApp):
    """The whole app, starting on the review slides; Escape there quits."""

    review_only = True

    def __init__(self, store: Store, login: str, theme_name: str = "projector") -> None:
        super().__init__(store, login, theme_name)

    def on_mount(self) -> None:
        # The base class's on_mount (also run) opens the board; open the review after it.
        self.call_after_refresh(self.switch_mode, "review")
