"""Node-complete Owen recursion on a partition tree: every unit on the frontier carries its final Owen value.

shap's Partition explainer expands (node, context) pairs one at a time, most important first, so at
a budget below a full expansion a group may be split in some of its contexts and not in others, and
its value still changes as refinement goes on. Here a node is expanded in **all** of its contexts
at once. A node reached in contexts ``(m00, f00, f11, w)`` has the value ``sum(w * (f11 - f00))``;
expanding it hands each child the contexts ``(m00, f00, f10, w/2)`` and ``(m01, f01, f11, w/2)`` (and
the sibling's symmetric pair), whose terms telescope back to the parent's sum. So once every context
of a node is known its value is final: the values of its parts, however far they are refined later,
add up to it (the quotient-game property of the Owen value). The frontier of unexpanded nodes is an
exact explanation at the granularity it shows, and a fully expanded tree gives shap's exact values.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

# masks (rows, features) of booleans, True = feature kept -> model outputs (rows, labels)
Evaluate = Callable[[np.ndarray], np.ndarray]
StepReport = Callable[["OwenTree"], None]

# Rows in one refinement step when the tree is not expanded in full: at least this many, else as
# many as spent so far (steps double the work), so the first views come quickly and later steps
# still fill large forward batches.
MIN_STEP_ROWS = 32
# A step's rows go to the model in chunks of (at most) this many, so a stop request or a deadline is
# noticed within one chunk's time; an interrupted step keeps the nodes it finished (the rest of its
# rows stay in the caller's cache).
CHUNK_ROWS = 64


def now() -> float:
    """The clock deadlines are set on (:func:`time.monotonic`; one name, so tests can drive it)."""
    return time.monotonic()


@dataclass
class OwenTree:
    """The state of a node-complete expansion of one text's partition tree (resumable).

    ``clustering`` is a scipy-style linkage (``children, children, distance, size`` per internal
    node; node ``M + i`` is row ``i``). ``contexts[node]`` lists ``(mask, f00, f11, weight)`` for every
    context the node is reached in; nodes in ``frontier`` are the units shown, each with its final value.
    """

    clustering: np.ndarray
    base: np.ndarray  # f(all masked)
    output: np.ndarray  # f(text)
    rows: int = 2  # masked rows evaluated (the two above included)
    steps: int = 0
    contexts: dict[int, list[tuple[np.ndarray, np.ndarray, np.ndarray, float]]] = field(default_factory=dict)
    value: dict[int, np.ndarray] = field(default_factory=dict)
    priority: dict[int, float] = field(default_factory=dict)
    frontier: set[int] = field(default_factory=set)
    depth: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0  # time spent expanding, over every call

    def __post_init__(self) -> None:
        self.clustering = np.asarray(self.clustering, dtype=float)
        self.m = len(self.clustering) + 1
        self._leaves: dict[int, np.ndarray] = {}
        if not self.frontier:
            root = 2 * self.m - 2
            self.depth[root] = 0
            self._add_context(root, np.zeros(self.m, dtype=bool), self.base, self.output, 1.0)
            self.frontier.add(root)

    @property
    def root(self) -> int:
        """The index of the whole text's node."""
        return 2 * self.m - 2

    def leaves(self, node: int) -> np.ndarray:
        """Indices of the features (leaves) under ``node``, in order."""
        found = self._leaves.get(node)
        if found is None:
            if node < self.m:
                found = np.array([node])
            else:
                left, right = self.children(node)
                found = np.concatenate([self.leaves(left), self.leaves(right)])
            self._leaves[node] = found
        return found

    def children(self, node: int) -> tuple[int, int]:
        """The two children of an internal node."""
        row = self.clustering[node - self.m]
        return int(row[0]), int(row[1])

    def splittable(self, node: int) -> bool:
        """Internal nodes split; leaves (and clusters shap marks with a negative distance) do not."""
        return node >= self.m and (self.clustering.shape[1] < 3 or self.clustering[node - self.m, 2] >= 0)

    def cost(self, node: int) -> int:
        """Rows that expanding ``node`` in all its contexts evaluates: two per context."""
        return 2 * len(self.contexts[node])

    def pending(self) -> list[int]:
        """Frontier nodes that can still be split, most important first (ties: lower index first)."""
        return sorted((n for n in self.frontier if self.splittable(n)), key=lambda n: (-self.priority[n], n))

    @property
    def complete(self) -> bool:
        """True when nothing is left to split: the values are exact Owen values of the leaves."""
        return not any(self.splittable(n) for n in self.frontier)

    def rows_to_complete(self) -> int:
        """Rows still needed to expand the whole tree from here."""
        visits = {n: len(self.contexts[n]) for n in self.frontier if self.splittable(n)}
        rows = 0
        stack = list(visits.items())
        while stack:
            node, v = stack.pop()
            rows += 2 * v
            for child in self.children(node):
                if self.splittable(child):
                    stack.append((child, 2 * v))
        return rows

    def _add_context(self, node: int, mask: np.ndarray, f00: np.ndarray, f11: np.ndarray, weight: float) -> None:
        delta = f11 - f00
        self.contexts.setdefault(node, []).append((mask, f00, f11, weight))
        self.value[node] = self.value.get(node, 0.0) + weight * delta
        # shap's priority is max |f11 - f00| * weight per context; summed over the node's contexts it
        # bounds the mass its parts can carry, cancellations included.
        self.priority[node] = self.priority.get(node, 0.0) + weight * float(np.max(np.abs(delta)))

    def _node_mask(self, node: int) -> np.ndarray:
        mask = np.zeros(self.m, dtype=bool)
        mask[self.leaves(node)] = True
        return mask

    def plan(self, max_rows: int, step_rows: int | None) -> list[int]:
        """The nodes of the next step: the most important pending ones, in order, while they fit.

        A step stops at the first node that does not fit (never skips to a cheaper one), so a run
        with a larger budget expands a superset of the nodes a smaller budget expands.
        """
        chosen: list[int] = []
        rows = 0
        for node in self.pending():
            cost = self.cost(node)
            if self.rows + rows + cost > max_rows or (chosen and step_rows is not None and rows + cost > step_rows):
                break
            chosen.append(node)
            rows += cost
        return chosen

    def expand(
        self,
        nodes: Sequence[int],
        evaluate: Evaluate,
        interrupted: Callable[[], bool] | None = None,
        chunk_rows: int | None = None,
    ) -> bool:
        """Expand ``nodes`` in all their contexts; returns False if ``interrupted()`` cut the step short.

        Without ``interrupted`` all rows go to ``evaluate`` in one call; with it, in chunks of
        ``chunk_rows`` (default :data:`CHUNK_ROWS`), asking ``interrupted()`` between them. An
        interrupted step expands the nodes (a prefix of ``nodes``) whose rows were all evaluated, so
        the tree stays exact and keeps what was paid for; a node cut in the middle stays unexpanded.
        """
        masks = []
        ends = []  # rows evaluated once each node's contexts are done
        for node in nodes:
            left, right = self.children(node)
            left_mask, right_mask = self._node_mask(left), self._node_mask(right)
            for m00, _f00, _f11, _w in self.contexts[node]:
                masks.append(m00 | left_mask)
                masks.append(m00 | right_mask)
            ends.append(len(masks))
        if interrupted is None:
            outputs = np.asarray(evaluate(np.array(masks)), dtype=np.float64)
        else:
            size = max(1, chunk_rows or CHUNK_ROWS)
            parts = []
            for start in range(0, len(masks), size):
                if start and interrupted():
                    break
                parts.append(np.asarray(evaluate(np.array(masks[start : start + size])), dtype=np.float64))
            outputs = np.concatenate(parts) if parts else np.zeros((0, len(self.base)))
        finished = sum(1 for end in ends if end <= len(outputs))
        i = 0
        for node in nodes[:finished]:
            left, right = self.children(node)
            for m00, f00, f11, w in self.contexts[node]:
                m10, m01 = masks[i], masks[i + 1]
                f10, f01 = outputs[i], outputs[i + 1]
                i += 2
                half = w / 2
                # The order matches shap's queue pushes, so sums accumulate in the same order.
                self._add_context(left, m00, f00, f10, half)
                self._add_context(right, m00, f00, f01, half)
                self._add_context(left, m01, f01, f11, half)
                self._add_context(right, m10, f10, f11, half)
            for child in (left, right):
                self.depth[child] = self.depth[node] + 1
                self.frontier.add(child)
            self.frontier.discard(node)
            # An expanded node's contexts are no longer needed (its children hold their own).
            del self.contexts[node]
        if finished:
            self.rows += i
            self.steps += 1
        return finished == len(nodes)

    def run(
        self,
        evaluate: Evaluate,
        max_rows: int,
        *,
        deadline: float | None = None,
        should_stop: Callable[[], bool] | None = None,
        on_step: StepReport | None = None,
        full_batches: bool = False,
        chunk_rows: int | None = None,
        max_step_rows: int | None = None,
    ) -> bool:
        """Expand in steps until complete, ``max_rows`` is spent, ``deadline`` passes or ``should_stop()``.

        ``full_batches`` puts every pending node into one step (the order does not matter when the
        whole tree will be expanded); otherwise steps are at least :data:`MIN_STEP_ROWS` rows and
        at most the rows spent so far, and at most ``max_step_rows`` (so each view arrives within a
        few seconds on long texts; a single node costlier than that is a step of its own).
        ``deadline`` (on :func:`now`'s clock) and ``should_stop()`` are asked between chunks of
        ``chunk_rows`` rows, so either ends the run within one chunk's time, keeping every node
        finished by then. ``on_step(self)`` runs after every step that expanded something. Returns
        :attr:`complete`.
        """

        def interrupted() -> bool:
            return (should_stop is not None and should_stop()) or (deadline is not None and now() >= deadline)

        while not self.complete and not interrupted():
            step_rows = None
            if not full_batches:
                step_rows = max(MIN_STEP_ROWS, self.rows)
                if max_step_rows is not None:
                    step_rows = max(MIN_STEP_ROWS, min(step_rows, max_step_rows))
            nodes = self.plan(max_rows, step_rows)
            if not nodes:
                break
            started = time.perf_counter()
            steps = self.steps
            done = self.expand(nodes, evaluate, interrupted, chunk_rows)
            self.seconds += time.perf_counter() - started
            if self.steps > steps and on_step is not None:
                on_step(self)
            if not done:
                break
        return self.complete

    def units(self) -> list[int]:
        """The frontier nodes in text order (by their first leaf)."""
        return sorted(self.frontier, key=lambda n: int(self.leaves(n).min()))

    def leaf_values(self) -> np.ndarray:
        """Per-leaf values ``(M, labels)``: a unit's value shared evenly over its leaves."""
        out = np.zeros((self.m, len(self.base)))
        for node in self.frontier:
            leaves = self.leaves(node)
            out[leaves] += self.value[node] / len(leaves)
        return out
