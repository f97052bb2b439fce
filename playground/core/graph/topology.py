"""Questions about a model's wiring, answered in one place.

Who feeds whom, what lies downstream, in which order the nodes run, which sit on a cycle, and
whether a new edge would close one or fill an input that is already taken. Shape inference, the
layout, the fixes, the document's edit checks, the probes and the canvas ask a `Topology`
instead of each building its own adjacency lists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from playground.core.experiment.schema import Experiment


@dataclass(frozen=True)
class Topology:
    """The nodes (in file order) and their edges; edges to unknown nodes are left out."""

    ids: tuple[str, ...]
    edges: tuple[tuple[str, str], ...]
    _incoming: dict[str, list[str]] = field(init=False, repr=False, compare=False)
    _outgoing: dict[str, list[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        incoming: dict[str, list[str]] = {node_id: [] for node_id in self.ids}
        outgoing: dict[str, list[str]] = {node_id: [] for node_id in self.ids}
        for source, target in self.edges:
            if source in incoming and target in incoming:
                outgoing[source].append(target)
                incoming[target].append(source)
        object.__setattr__(self, "_incoming", incoming)
        object.__setattr__(self, "_outgoing", outgoing)

    @classmethod
    def of(cls, experiment: Experiment) -> Topology:
        return cls(tuple(experiment.node_ids()), tuple((a, b) for a, b in experiment.model.edges))

    @classmethod
    def from_edges(cls, ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> Topology:
        return cls(tuple(ids), tuple((a, b) for a, b in edges))

    # ---- neighbours ---------------------------------------------------------------------------
    def predecessors(self, node_id: str) -> list[str]:
        """The nodes that feed `node_id`, in edge order (the order a merge receives them)."""
        return list(self._incoming.get(node_id, ()))

    def successors(self, node_id: str) -> list[str]:
        return list(self._outgoing.get(node_id, ()))

    def incoming(self) -> dict[str, list[str]]:
        """Every node's predecessors (a fresh copy the caller may keep)."""
        return {node_id: list(sources) for node_id, sources in self._incoming.items()}

    def outgoing(self) -> dict[str, list[str]]:
        return {node_id: list(targets) for node_id, targets in self._outgoing.items()}

    def sources(self) -> list[str]:
        """Nodes nothing flows into."""
        return [node_id for node_id in self.ids if not self._incoming[node_id]]

    def sinks(self) -> list[str]:
        """Nodes that flow nowhere."""
        return [node_id for node_id in self.ids if not self._outgoing[node_id]]

    # ---- reachability -------------------------------------------------------------------------
    def downstream(self, start: str) -> set[str]:
        """`start` and everything it flows into."""
        return self._walk(start, self._outgoing)

    def upstream(self, start: str) -> set[str]:
        """`start` and everything that flows into it."""
        return self._walk(start, self._incoming)

    def reaches(self, start: str, goal: str) -> bool:
        return goal in self.downstream(start)

    @staticmethod
    def _walk(start: str, neighbours: dict[str, list[str]]) -> set[str]:
        if start not in neighbours:
            return set()
        seen, stack = {start}, [start]
        while stack:
            for following in neighbours[stack.pop()]:
                if following not in seen:
                    seen.add(following)
                    stack.append(following)
        return seen

    # ---- edits --------------------------------------------------------------------------------
    def would_cycle(self, source: str, target: str) -> bool:
        """Adding `source → target` would make the graph loop back (a self-edge included)."""
        return source == target or self.reaches(target, source)

    def input_count(self, node_id: str) -> int:
        return len(self._incoming.get(node_id, ()))

    # ---- order ----------------------------------------------------------------------------------
    def order(self) -> tuple[list[str], list[str]]:
        """The nodes in an order where each comes after its inputs (Kahn's algorithm, depth-first
        among the ready ones so chains stay together), and those left over that sit on a cycle."""
        remaining = {node_id: len(self._incoming[node_id]) for node_id in self.ids}
        ready = [node_id for node_id in reversed(self.ids) if remaining[node_id] == 0]
        order: list[str] = []
        while ready:
            current = ready.pop()
            order.append(current)
            for target in reversed(self._outgoing[current]):
                remaining[target] -= 1
                if remaining[target] == 0:
                    ready.append(target)
        placed = set(order)
        left = [node_id for node_id in self.ids if node_id not in placed]
        on_cycle = self.on_cycles(left)
        return order, [node_id for node_id in left if node_id in on_cycle]

    def on_cycles(self, candidates: Sequence[str]) -> set[str]:
        """The candidates that lie on a cycle: members of a strongly connected component of two or
        more nodes, or with an edge to themselves (Tarjan's algorithm, without recursion)."""
        outgoing = self._outgoing
        within = set(candidates)
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: set[str] = set()
        counter = 0
        for root in candidates:
            if root in index:
                continue
            work = [(root, iter(outgoing[root]))]
            index[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                node, targets = work[-1]
                advanced = False
                for target in targets:
                    if target not in within:
                        continue
                    if target not in index:
                        index[target] = low[target] = counter
                        counter += 1
                        stack.append(target)
                        on_stack.add(target)
                        work.append((target, iter(outgoing[target])))
                        advanced = True
                        break
                    if target in on_stack:
                        low[node] = min(low[node], index[target])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1 or node in outgoing[node]:
                        found.update(component)
        return found

    def cycle_text(self, start: str, cyclic: set[str], limit: int = 8) -> str:
        """ "a → b → a": the loop through `start`, for a message (cut after `limit` steps)."""
        path, current = [start], start
        for _ in range(limit):
            following = [n for n in self._outgoing[current] if n in cyclic]
            if not following:
                break
            current = following[0]
            path.append(current)
            if current == start:
                return " → ".join(path)
        return " → ".join(path) + " → …"

    def depths(self) -> dict[str, int]:
        """Each node's longest distance from a source (a node on a cycle counts what is known)."""
        depth: dict[str, int] = {}
        for root in self.ids:
            if root in depth:
                continue
            # iterative depth-first: a node's depth is known once all its inputs' are
            stack: list[tuple[str, frozenset[str]]] = [(root, frozenset())]
            while stack:
                node_id, visiting = stack[-1]
                if node_id in depth:
                    stack.pop()
                    continue
                pending = [s for s in self._incoming[node_id] if s != node_id and s not in depth and s not in visiting]
                if pending:
                    stack.extend((s, visiting | {node_id}) for s in pending)
                    continue
                known = [depth[s] for s in self._incoming[node_id] if s in depth]
                depth[node_id] = 1 + max(known, default=-1)
                stack.pop()
        return depth
