"""The editable experiment: the single source of truth the editor changes and the views mirror.

Every edit goes through a method here, which changes the `Experiment` and emits a past-tense
event (`node_added`, `edge_removed`, ...). The canvas, inspector, code view and summary subscribe
to the events; they never change the experiment themselves. Undo commands (in the UI) call these
methods with the values needed to invert an edit, which each method returns.

Qt-free: events are psygnal signals, so the core can be tested and scripted without a GUI.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psygnal import Signal
from pydantic import ValidationError

from playground.core.catalogue import LAYERS, Fix
from playground.core.errors import PlaygroundError
from playground.core.experiment.io import copy_experiment
from playground.core.experiment.schema import (
    LANGUAGE_CODE,
    Classroom,
    Comparison,
    DataSpec,
    Experiment,
    Lesson,
    LessonText,
    NodeSpec,
    TrainingSpec,
)
from playground.core.graph.fixes import apply_fix
from playground.core.graph.inference import GraphReport, check_experiment
from playground.core.graph.topology import Topology
from playground.core.i18n import _

if TYPE_CHECKING:
    from playground.core.data.types import DatasetInfo


class EditError(PlaygroundError):
    """An edit the document refuses (a cycle, a duplicate id); the message says why."""


@dataclass(frozen=True)
class RemovedNode:
    """Everything needed to put a removed node back exactly where it was."""

    node: NodeSpec
    index: int
    edges: tuple[tuple[int, tuple[str, str]], ...]  # (position in the edge list, edge)


class ExperimentDocument:
    """An experiment being edited, with change events and a cached shape check."""

    node_added = Signal(str)  # node id
    node_removed = Signal(str)
    node_moved = Signal(str, object)  # node id, (x, y)
    node_changed = Signal(str)  # params changed
    node_renamed = Signal(str, str)  # old id, new id
    edge_added = Signal(str, str)
    edge_removed = Signal(str, str)
    # "data", "training", "init", "name", "description", "comparison", "classroom", "lesson"
    settings_changed = Signal(str)
    reset = Signal()  # the whole experiment was replaced (open, new)
    changed = Signal()  # after any edit: views that show derived data re-read

    def __init__(self, experiment: Experiment, path: str | Path | None = None):
        self._experiment = experiment
        self.path: Path | None = Path(path) if path else None
        self._report: GraphReport | None = None
        self._report_error: str | None = None
        self.replaced_in_place = False  # see replace()
        self.session_id = uuid.uuid4().hex  # this experiment in this session (a new one on open/new, not on edits)

    # ---- reading ---------------------------------------------------------------------------
    @property
    def experiment(self) -> Experiment:
        return self._experiment

    def snapshot(self) -> Experiment:
        """An independent copy (for saving in a thread, training, or undo of a whole replace)."""
        return copy_experiment(self._experiment)

    def base_dir(self) -> Path | None:
        """Where relative data paths (csv, npz, image folders) are resolved: the file's folder."""
        return self.path.parent if self.path else None

    def dataset_info(self) -> DatasetInfo:
        """The dataset's facts for shape inference; raises DatasetError for unusable data."""
        from playground.core.data import describe_dataset  # lazy: looked up per call (tests replace it)

        return describe_dataset(self._experiment.data, self.base_dir())

    def report(self) -> GraphReport | None:
        """The shape check of the current graph (cached until the next edit).

        None when the dataset itself cannot be read; `report_error` then says why.
        """
        if self._report is None and self._report_error is None:
            try:
                self._report = check_experiment(self._experiment, self.dataset_info())
            except PlaygroundError as exc:
                self._report_error = str(exc)
        return self._report

    @property
    def report_error(self) -> str | None:
        self.report()
        return self._report_error

    def has_node(self, node_id: str) -> bool:
        return any(node.id == node_id for node in self._experiment.model.nodes)

    def edges(self) -> list[tuple[str, str]]:
        return list(self._experiment.model.edges)

    def _touched(self) -> None:
        self._report = None
        self._report_error = None
        self.changed.emit()

    def recheck(self) -> None:
        """Check the graph again and tell the views, with nothing edited: the cached check's
        messages are in the language they were made in, and the language changed."""
        self._touched()

    # ---- nodes -----------------------------------------------------------------------------
    def add_node(
        self,
        layer_type: str,
        pos: tuple[float, float] | None = None,
        params: dict[str, Any] | None = None,
        node_id: str | None = None,
        index: int | None = None,
    ) -> str:
        """Add a node of `layer_type`; returns its id (a fresh one unless given)."""
        if layer_type not in LAYERS:
            raise EditError(_("unknown layer type {type!r}").format(type=layer_type))
        node_id = node_id or self._experiment.unique_id(layer_type)
        if self.has_node(node_id):
            raise EditError(_("a node called {node!r} already exists").format(node=node_id))
        node = NodeSpec(id=node_id, type=layer_type, params=dict(params or {}), pos=pos)
        nodes = self._experiment.model.nodes
        nodes.insert(len(nodes) if index is None else index, node)
        self.node_added.emit(node_id)
        self._touched()
        return node_id

    def restore_node(self, removed: RemovedNode) -> None:
        """Undo of `remove_node`: the node and its edges return to their old places."""
        self._experiment.model.nodes.insert(removed.index, removed.node.model_copy(deep=True))
        self.node_added.emit(removed.node.id)
        edges = self._experiment.model.edges
        for position, edge in sorted(removed.edges):
            edges.insert(position, edge)
            self.edge_added.emit(*edge)
        self._touched()

    def remove_node(self, node_id: str) -> RemovedNode:
        """Remove a node and every edge touching it, in one step."""
        nodes = self._experiment.model.nodes
        index = next((i for i, node in enumerate(nodes) if node.id == node_id), None)
        if index is None:
            raise EditError(_("no node called {node!r}").format(node=node_id))
        edges = self._experiment.model.edges
        touching = tuple((i, edge) for i, edge in enumerate(edges) if node_id in edge)
        for position, edge in reversed(touching):
            del edges[position]
            self.edge_removed.emit(*edge)
        node = nodes.pop(index)
        self.node_removed.emit(node_id)
        self._touched()
        return RemovedNode(node, index, touching)

    def move_node(self, node_id: str, pos: tuple[float, float] | None) -> tuple[float, float] | None:
        """Move a node; returns the old position."""
        node = self._experiment.node(node_id)
        old = node.pos
        node.pos = None if pos is None else (float(pos[0]), float(pos[1]))
        self.node_moved.emit(node_id, node.pos)
        self.changed.emit()  # positions do not change shapes: keep the cached report
        return old

    def set_node_params(self, node_id: str, params: dict[str, Any]) -> dict[str, Any]:
        """Replace a node's parameters (values are checked by the caller's editors); returns the old ones."""
        node = self._experiment.node(node_id)
        old = dict(node.params)
        node.params = dict(params)
        self.node_changed.emit(node_id)
        self._touched()
        return old

    def id_problem(self, new_id: str) -> str | None:
        """Why `new_id` cannot name a node (taken, or not a valid name), or None when it can."""
        if self.has_node(new_id):
            return _("a node called {node!r} already exists").format(node=new_id)
        try:
            NodeSpec(id=new_id, type="Identity")
        except ValidationError as exc:  # the schema explains what a valid id is
            return exc.errors()[0]["msg"].replace("Value error, ", "")
        return None

    def rename_node(self, old_id: str, new_id: str) -> None:
        """Give a node a new id; edges follow."""
        if old_id == new_id:
            return
        problem = self.id_problem(new_id)
        if problem:
            raise EditError(problem)
        self._experiment.node(old_id).id = new_id
        self._experiment.model.edges = [
            (new_id if a == old_id else a, new_id if b == old_id else b) for a, b in self._experiment.model.edges
        ]
        self.node_renamed.emit(old_id, new_id)
        self._touched()

    # ---- edges -----------------------------------------------------------------------------
    def connection_problem(
        self,
        source: str,
        target: str,
        *,
        without: tuple[str, str] | None = None,
        new_nodes: Mapping[str, str] | None = None,
    ) -> str | None:
        """Why `source → target` may not be added, or None when it may; as if the edge `without` were
        already removed and `new_nodes` (id → layer type) added (the canvas asks before it rewires)."""
        types = {node.id: node.type for node in self._experiment.model.nodes} | dict(new_nodes or {})
        edges = [edge for edge in self._experiment.model.edges if tuple(edge) != without]
        if source == target:
            return _("a layer cannot feed itself")
        if not (source in types and target in types):
            return _("both ends must be nodes of this model")
        if (source, target) in edges:
            return _("'{source}' is already connected to '{target}'").format(source=source, target=target)
        target_type = LAYERS[types[target]]
        if target_type.max_inputs == 0:
            return _("'{target}' is the Input: nothing can flow into it").format(target=target)
        topology = Topology.from_edges(types, edges)
        if topology.would_cycle(source, target):
            return _("connecting '{source}' to '{target}' would make a cycle").format(source=source, target=target)
        if target_type.max_inputs == 1 and topology.input_count(target):
            return _("'{target}' already has an input; {type} takes one (merge branches with Add or Concat)").format(
                target=target, type=types[target]
            )
        return None

    def add_edge(self, source: str, target: str, index: int | None = None, check: bool = True) -> None:
        """Connect two nodes; refused with EditError when `connection_problem` objects."""
        if check:
            problem = self.connection_problem(source, target)
            if problem:
                raise EditError(problem)
        edges = self._experiment.model.edges
        edges.insert(len(edges) if index is None else index, (source, target))
        self.edge_added.emit(source, target)
        self._touched()

    def remove_edge(self, source: str, target: str) -> int:
        """Disconnect; returns the edge's old position (for undo)."""
        edges = self._experiment.model.edges
        try:
            index = edges.index((source, target))
        except ValueError:
            raise EditError(
                _("'{source}' is not connected to '{target}'").format(source=source, target=target)
            ) from None
        del edges[index]
        self.edge_removed.emit(source, target)
        self._touched()
        return index

    # ---- settings --------------------------------------------------------------------------
    def set_data(self, data: DataSpec) -> DataSpec:
        old = self._experiment.data
        self._experiment.data = data
        self.settings_changed.emit("data")
        self._touched()
        return old

    def set_training(self, training: TrainingSpec) -> TrainingSpec:
        old = self._experiment.training
        self._experiment.training = training
        self.settings_changed.emit("training")
        self._touched()
        return old

    def set_init(self, scheme: str) -> str:
        old = self._experiment.model.init
        self._experiment.model.init = scheme  # type: ignore[assignment]
        self.settings_changed.emit("init")
        self._touched()
        return old

    def set_starting_weights(self, name: str | None) -> str | None:
        """Name the model's starting-weights file (None: start from the seeded draw); returns the old name."""
        old = self._experiment.model.weights
        self._experiment.model.weights = name
        self.settings_changed.emit("weights")
        self._touched()
        return old

    def set_classroom(self, classroom: Classroom | None) -> Classroom | None:
        """Replace the controls the lesson hides (None: none); returns the old value."""
        old = self._experiment.classroom
        self._experiment.classroom = classroom if classroom is not None and classroom.hides_anything() else None
        self.settings_changed.emit("classroom")
        self.changed.emit()  # what the window shows does not change shapes: keep the cached report
        return old

    def set_lesson(self, lesson: Lesson | None) -> Lesson | None:
        """Replace the lesson section (variants, goals, challenge, leaderboard; None or an empty
        one: none); returns the old value."""
        old = self._experiment.lesson
        self._experiment.lesson = lesson.model_copy(deep=True) if lesson is not None and not lesson.is_empty() else None
        self.settings_changed.emit("lesson")
        self.changed.emit()  # what the lesson asks does not change shapes: keep the cached report
        return old

    def set_comparison(self, comparison: Comparison | None) -> Comparison | None:
        """Replace the runs saved in the experiment file (None removes them); returns the old value."""
        old = self._experiment.comparison
        self._experiment.comparison = comparison.model_copy(deep=True) if comparison is not None else None
        self.settings_changed.emit("comparison")
        self.changed.emit()  # saved runs do not change shapes: keep the cached report
        return old

    def set_text(self, field: str, value: str) -> str:
        """Set the experiment's `name` or `description`."""
        if field not in ("name", "description"):
            raise ValueError(field)
        old: str = getattr(self._experiment, field)
        setattr(self._experiment, field, value)
        self.settings_changed.emit(field)
        self.changed.emit()
        return old

    def set_translated_text(self, language: str, field: str, value: str) -> str:
        """Set the `name` or `description` of `language` in the experiment's translations (the
        default `name`/`description` are `set_text`'s); returns the old one ("" if none). An entry
        left with no text is removed, so undoing a first translation leaves the file as it was."""
        if field not in ("name", "description"):
            raise ValueError(field)
        if not LANGUAGE_CODE.fullmatch(language):
            raise ValueError(language)
        translations = self._experiment.translations
        entry = translations.get(language) or LessonText()
        old: str = getattr(entry, field)
        entry = entry.model_copy(update={field: value})
        if entry.name or entry.description:
            translations[language] = entry
        else:
            translations.pop(language, None)
        self.settings_changed.emit(field)
        self.changed.emit()
        return old

    # ---- whole document --------------------------------------------------------------------
    def set_path(self, path: str | Path | None) -> None:
        """Where the experiment lives now (after Save As): relative data paths resolve from there."""
        self.path = Path(path) if path else None
        self._report = None
        self._report_error = None
        self.changed.emit()

    def replace(self, experiment: Experiment, path: str | Path | None | object = ..., in_place: bool = False) -> None:
        """Swap in another experiment (open, new) or a new version of this one (`in_place`: a fix,
        auto-arrange, the undo of either); views rebuild from scratch either way.

        `path` is kept unless given; pass None for an untitled experiment. While `reset` is emitted,
        `replaced_in_place` tells its listeners which of the two it is (a run is kept for an edit of
        the same experiment that does not change what trains, never for another experiment).
        """
        self._experiment = experiment
        if path is not ...:
            self.path = Path(path) if path else None  # type: ignore[arg-type]
        self._report = None
        self._report_error = None
        self.replaced_in_place = in_place
        if not in_place:
            self.session_id = uuid.uuid4().hex
        try:
            self.reset.emit()
        finally:
            self.replaced_in_place = False
        self.changed.emit()

    def apply_fix(self, fix: Fix) -> str | None:
        """Apply a fix offered by shape inference. Emits `reset` (the UI wraps it in one undo step)."""
        experiment = self.snapshot()
        created = apply_fix(experiment, fix)
        self.replace(experiment, in_place=True)
        return created
