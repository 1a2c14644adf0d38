"""What a theme file may hold: the pydantic model `themes.load_themes` validates with."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from textual.theme import Theme


class ThemeFile(BaseModel):
    """What a theme file may hold (Textual's Theme fields, kebab or snake case)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, max_length=60)
    primary: str
    secondary: str | None = None
    warning: str | None = None
    error: str | None = None
    success: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    dark: bool = True
    luminosity_spread: float = Field(0.15, alias="luminosity-spread")
    text_alpha: float = Field(0.95, alias="text-alpha")
    variables: dict[str, str] = {}

    def to_theme(self) -> Theme:
        data = self.model_dump(exclude={"variables"})
        return Theme(**data, variables=dict(self.variables))
