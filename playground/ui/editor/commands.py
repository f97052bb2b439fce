"""Undo commands: every edit of the experiment is one of these, pushed on the window's QUndoStack.

Each command calls `ExperimentDocument` methods only (the views follow through its events).
Consecutive edits of one field merge into one step (typing 1, 2, 8 into a spin box is one undo).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from playground.core.catalogue import Fix
from playground.core.document import ExperimentDocument, RemovedNode
from playground.core.experiment.schema import Classroom, DataSpec, Experiment, LeaderboardEntry, Lesson, TrainingSpec
from playground.core.graph.fixes import apply_fix
from playground.core.i18n import DEFAULT_LANGUAGE, LANGUAGES


def tr(text: str) -> str:
    return QCoreApplication.translate("EditorCommands", text)


# Merge ids: QUndoCommand.id() values; commands with the same id may merge.
_MERGE_PARAMS, _MERGE_MOVE, _MERGE_DATA, _MERGE_TRAINING, _MERGE_TEXT = 1001, 1002, 1003, 1004, 1005


class AddNodeCommand(QUndoCommand):
    def __init__(
        self,
        document: ExperimentDocument,
        layer_type: str,
        pos: tuple[float, float] | None,
        params: dict[str, Any] | None = None,
        node_id: str | None = None,
        parent: QUndoCommand | None = None,
    ):
        super().__init__(parent)
        self.document = document
        self.layer_type = layer_type
        self.pos = pos
        self.params = dict(params or {})
        self.node_id = node_id or document.experiment.unique_id(layer_type)
        self.setText(QCoreApplication.translate("EditorCommands", "Add {type}").format(type=layer_type))

    def redo(self) -> None:
        self.document.add_node(self.layer_type, self.pos, self.params, node_id=self.node_id)

    def undo(self) -> None:
        self.document.remove_node(self.node_id)


class RemoveNodeCommand(QUndoCommand):
    """Removes a node and its edges in one step; undo restores both in their old places."""

    def __init__(self, document: ExperimentDocument, node_id: str, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.document = document
        self.node_id = node_id
        self.removed: RemovedNode | None = None
        self.setText(QCoreApplication.translate("EditorCommands", "Delete {id}").format(id=node_id))

    def redo(self) -> None:
        self.removed = self.document.remove_node(self.node_id)

    def undo(self) -> None:
        assert self.removed is not None
        self.document.restore_node(self.removed)


class MoveNodesCommand(QUndoCommand):
    """One drag of one or more nodes, pushed on mouse release; or one arrow-key nudge (`nudge`),
    where the nudges of the same nodes in a row merge into one step."""

    def __init__(
        self,
        document: ExperimentDocument,
        moves: dict[str, tuple[tuple[float, float] | None, tuple[float, float]]],
        parent: QUndoCommand | None = None,
        nudge: bool = False,
    ):
        super().__init__(parent)
        self.document = document
        self.moves = dict(moves)  # id -> (old, new)
        self.nudge = nudge
        self.setText(QCoreApplication.translate("EditorCommands", "Move {count} node(s)").format(count=len(moves)))

    def id(self) -> int:
        return _MERGE_MOVE if self.nudge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        if not (isinstance(other, MoveNodesCommand) and other.nudge and set(other.moves) == set(self.moves)):
            return False
        self.moves = {node_id: (self.moves[node_id][0], other.moves[node_id][1]) for node_id in self.moves}
        return True

    def redo(self) -> None:
        for node_id, (_, new) in self.moves.items():
            self.document.move_node(node_id, new)

    def undo(self) -> None:
        for node_id, (old, _) in self.moves.items():
            self.document.move_node(node_id, old)


class AddEdgeCommand(QUndoCommand):
    def __init__(self, document: ExperimentDocument, source: str, target: str, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.document = document
        self.edge = (source, target)
        self.index: int | None = None
        self.setText(QCoreApplication.translate("EditorCommands", "Connect {a} → {b}").format(a=source, b=target))

    def redo(self) -> None:
        self.document.add_edge(*self.edge, index=self.index, check=self.index is None)
        self.index = self.document.edges().index(self.edge)

    def undo(self) -> None:
        self.document.remove_edge(*self.edge)


class RemoveEdgeCommand(QUndoCommand):
    def __init__(self, document: ExperimentDocument, source: str, target: str, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.document = document
        self.edge = (source, target)
        self.index = 0
        self.setText(QCoreApplication.translate("EditorCommands", "Disconnect {a} → {b}").format(a=source, b=target))

    def redo(self) -> None:
        self.index = self.document.remove_edge(*self.edge)

    def undo(self) -> None:
        self.document.add_edge(*self.edge, index=self.index, check=False)


class SetNodeParamsCommand(QUndoCommand):
    """Change a node's parameters; successive changes of the same parameter merge."""

    def __init__(
        self,
        document: ExperimentDocument,
        node_id: str,
        params: dict[str, Any],
        field: str = "",
        parent: QUndoCommand | None = None,
    ):
        super().__init__(parent)
        self.document = document
        self.node_id = node_id
        self.old = dict(document.experiment.node(node_id).params)
        self.new = dict(params)
        self.field = field
        self.setText(
            QCoreApplication.translate("EditorCommands", "Change {field} of {id}").format(
                field=field or QCoreApplication.translate("EditorCommands", "parameters"), id=node_id
            )
        )

    def id(self) -> int:
        return _MERGE_PARAMS

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetNodeParamsCommand) or (other.node_id, other.field) != (self.node_id, self.field):
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.document.set_node_params(self.node_id, self.new)

    def undo(self) -> None:
        self.document.set_node_params(self.node_id, self.old)


class RenameNodeCommand(QUndoCommand):
    def __init__(self, document: ExperimentDocument, old_id: str, new_id: str, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.document = document
        self.old_id, self.new_id = old_id, new_id
        self.setText(QCoreApplication.translate("EditorCommands", "Rename {a} to {b}").format(a=old_id, b=new_id))

    def redo(self) -> None:
        self.document.rename_node(self.old_id, self.new_id)

    def undo(self) -> None:
        self.document.rename_node(self.new_id, self.old_id)


class _SettingCommand(QUndoCommand):
    """Replace one settings value; consecutive edits of the same field merge."""

    merge_id = 0

    def __init__(
        self, document: ExperimentDocument, new: Any, field: str, label: str, parent: QUndoCommand | None = None
    ):
        super().__init__(parent)
        self.document = document
        self.field = field
        self.new = new
        self.old = self.read()
        self.setText(label)

    def read(self) -> Any:
        raise NotImplementedError

    def write(self, value: Any) -> None:
        raise NotImplementedError

    def id(self) -> int:
        return self.merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if type(other) is not type(self) or other.field != self.field or not self.field:
            return False
        self.new = other.new
        return True

    def redo(self) -> None:
        self.write(self.new)

    def undo(self) -> None:
        self.write(self.old)


class SetDataCommand(_SettingCommand):
    """Change the data settings (dataset, its params, split, seed). `field` names what changed."""

    merge_id = _MERGE_DATA

    def __init__(
        self, document: ExperimentDocument, data: DataSpec, field: str = "", parent: QUndoCommand | None = None
    ):
        super().__init__(
            document,
            data.model_copy(deep=True),
            field,
            QCoreApplication.translate("EditorCommands", "Change data settings"),
            parent,
        )

    def read(self) -> DataSpec:
        return self.document.experiment.data.model_copy(deep=True)

    def write(self, value: DataSpec) -> None:
        self.document.set_data(value.model_copy(deep=True))


class SetTrainingCommand(_SettingCommand):
    """Change the training settings (loss, optimizer, schedule, epochs, ...)."""

    merge_id = _MERGE_TRAINING

    def __init__(
        self, document: ExperimentDocument, training: TrainingSpec, field: str = "", parent: QUndoCommand | None = None
    ):
        super().__init__(
            document,
            training.model_copy(deep=True),
            field,
            QCoreApplication.translate("EditorCommands", "Change training settings"),
            parent,
        )

    def read(self) -> TrainingSpec:
        return self.document.experiment.training.model_copy(deep=True)

    def write(self, value: TrainingSpec) -> None:
        self.document.set_training(value.model_copy(deep=True))


class SetInitCommand(_SettingCommand):
    merge_id = _MERGE_DATA + 10

    def __init__(self, document: ExperimentDocument, scheme: str, parent: QUndoCommand | None = None):
        super().__init__(
            document, scheme, "init", QCoreApplication.translate("EditorCommands", "Change initialisation"), parent
        )

    def read(self) -> str:
        return self.document.experiment.model.init

    def write(self, value: str) -> None:
        self.document.set_init(value)


class SetStartingWeightsCommand(_SettingCommand):
    """Start the model from a weights file, or (None) from its seeded initialisation again."""

    merge_id = _MERGE_DATA + 11

    def __init__(self, document: ExperimentDocument, name: str | None, parent: QUndoCommand | None = None):
        label = (
            QCoreApplication.translate("EditorCommands", "Start from seeded weights")
            if name is None
            else QCoreApplication.translate("EditorCommands", "Start from {file}").format(file=name)
        )
        super().__init__(document, name, "weights", label, parent)

    def read(self) -> str | None:
        return self.document.experiment.model.weights

    def write(self, value: str | None) -> None:
        self.document.set_starting_weights(value)


class SetTextCommand(_SettingCommand):
    """Change the experiment's name or lesson text (`field` is "name" or "description")."""

    merge_id = _MERGE_TEXT

    def __init__(self, document: ExperimentDocument, field: str, value: str, parent: QUndoCommand | None = None):
        super().__init__(
            document,
            value,
            field,
            QCoreApplication.translate("EditorCommands", "Edit {field}").format(field=field),
            parent,
        )

    def read(self) -> str:
        return getattr(self.document.experiment, self.field)

    def write(self, value: str) -> None:
        self.document.set_text(self.field, value)


def stored_text(document: ExperimentDocument, field: str, language: str) -> str:
    """The `name` or `description` stored for `language` ("" where it has none): the default text
    in English, else the language's entry in `translations`."""
    experiment = document.experiment
    if language == DEFAULT_LANGUAGE:
        return str(getattr(experiment, field))
    entry = experiment.translations.get(language)
    return str(getattr(entry, field)) if entry is not None else ""


class SetLocalizedTextCommand(SetTextCommand):
    """Change the name or lesson text of one language: the default `name`/`description` in
    English, else `translations[language]` (made by the first edit, gone again when undone).
    Consecutive edits of the same field and language merge into one step."""

    def __init__(
        self, document: ExperimentDocument, field: str, language: str, value: str, parent: QUndoCommand | None = None
    ) -> None:
        self.language = language  # read() needs it during the base class's __init__
        super().__init__(document, field, value, parent)
        if language != DEFAULT_LANGUAGE:
            self.setText(f"{self.text()} ({LANGUAGES.get(language, language)})")

    def read(self) -> str:
        return stored_text(self.document, self.field, self.language)

    def write(self, value: str) -> None:
        if self.language == DEFAULT_LANGUAGE:
            self.document.set_text(self.field, value)
        else:
            self.document.set_translated_text(self.language, self.field, value)

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        return (
            isinstance(other, SetLocalizedTextCommand) and other.language == self.language and super().mergeWith(other)
        )


class ReplaceExperimentCommand(QUndoCommand):
    """Swap the whole experiment (a fix, a paste of many nodes, auto-arrange): exact undo by copy."""

    def __init__(self, document: ExperimentDocument, after: Experiment, label: str, parent: QUndoCommand | None = None):
        super().__init__(parent)
        self.document = document
        self.before = document.snapshot()
        self.after = after.model_copy(deep=True)
        self.setText(label)

    def redo(self) -> None:
        self.document.replace(self.after.model_copy(deep=True), in_place=True)

    def undo(self) -> None:
        self.document.replace(self.before.model_copy(deep=True), in_place=True)


def fix_command(document: ExperimentDocument, fix: Fix) -> ReplaceExperimentCommand:
    """The undoable form of a shape-inference fix ("Insert Flatten before 'fc1'")."""
    after = document.snapshot()
    apply_fix(after, fix)
    return ReplaceExperimentCommand(document, after, fix.label)


class SetClassroomCommand(_SettingCommand):
    """Change which controls the lesson hides from students (None: it hides nothing)."""

    merge_id = _MERGE_TEXT + 20

    def __init__(self, document: ExperimentDocument, classroom: Classroom | None, parent: QUndoCommand | None = None):
        super().__init__(
            document,
            classroom.model_copy(deep=True) if classroom is not None else None,
            "classroom",
            QCoreApplication.translate("EditorCommands", "Change the controls students see"),
            parent,
        )

    def read(self) -> Classroom | None:
        current = self.document.experiment.classroom
        return current.model_copy(deep=True) if current is not None else None

    def write(self, value: Classroom | None) -> None:
        self.document.set_classroom(value.model_copy(deep=True) if value is not None else None)


class SetLessonCommand(_SettingCommand):
    """Change the lesson's goals, challenge or leaderboard (None: the experiment has no lesson section)."""

    merge_id = _MERGE_TEXT + 21

    def __init__(self, document: ExperimentDocument, lesson: Lesson | None, parent: QUndoCommand | None = None):
        super().__init__(
            document,
            lesson.model_copy(deep=True) if lesson is not None else None,
            "lesson",
            QCoreApplication.translate("EditorCommands", "Change the lesson's goals and challenge"),
            parent,
        )

    def read(self) -> Lesson | None:
        current = self.document.experiment.lesson
        return current.model_copy(deep=True) if current is not None else None

    def write(self, value: Lesson | None) -> None:
        self.document.set_lesson(value)

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt override
        return False  # each dialog's OK is its own step


class AddLeaderboardEntryCommand(QUndoCommand):
    """Put a challenge attempt on the lesson's leaderboard (in its ranked place); undo takes it
    off again. Each attempt is its own step: two attempts never merge."""

    def __init__(self, document: ExperimentDocument, entry: LeaderboardEntry, parent: QUndoCommand | None = None):
        super().__init__(parent)
        from playground.core.lessons.challenge import with_entry  # noqa: PLC0415 - the editor starts without it

        self.document = document
        lesson = document.experiment.lesson
        if lesson is None or lesson.challenge is None:
            raise ValueError("the lesson sets no challenge")
        self.old = lesson.model_copy(deep=True)
        self.new = with_entry(lesson, entry)
        self.setText(
            QCoreApplication.translate("EditorCommands", "Add {name} to the leaderboard").format(name=entry.name)
        )

    def redo(self) -> None:
        self.document.set_lesson(self.new)

    def undo(self) -> None:
        self.document.set_lesson(self.old)
