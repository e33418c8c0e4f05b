"""The street network of one district, in metres, with doors placed on it.

Doors are snapped to their nearest walkable edge, so both sides of a street
segment belong to that segment. A segment holding more doors than half a turf is
split into runs of consecutive doors (a long road through a village), and each
segment or run with doors becomes a *unit*: the atom a turf is made of. Units
are neighbours when a short walk along doorless streets joins them; a neighbour
reached across a trunk or primary road, a railway or a river, or only along a
long empty road, is a weak neighbour, which the partition prefers to cut.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

# Doorless streets shorter than this join the units at their ends strongly.
SHORT_LINK_M = 250.0
STRONG, WEAK, ACROSS = 100, 10, 1  # partition edge weights


def local_projection(lon: float, lat: float) -> tuple[Transformer, Transformer]:
    """A transverse Mercator centred on the district: metres with under 0.1% scale
    error across any district, anywhere (UTM zones would split some)."""
    crs = f"+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return forward, back


def project(geometries, forward: Transformer):
    return shapely.transform(geometries, lambda xy: np.column_stack(forward.transform(*xy.T)))


@dataclass
class Unit:
    edge: int
    doors: np.ndarray  # door indices, in order along the edge
    start: float  # offset of the first door along the edge, metres
    end: float  # offset of the last


@dataclass
class Network:
    """Edges (projected LineStrings) between integer nodes, as a sparse graph."""

    lines: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    major: np.ndarray
    crosses_barrier: np.ndarray
    gap: np.ndarray  # straight lines added to join pieces of network that do not meet
    graph: object = field(repr=False)  # scipy CSR, symmetric, metres
    _pairs: dict | None = field(default=None, repr=False)

    @classmethod
    def build(cls, lines, u_ids, v_ids, major, barriers) -> Network:
        lines = np.asarray(lines, dtype=object)
        ids, inverse = np.unique(np.concatenate([u_ids, v_ids]), return_inverse=True)
        u, v = inverse[: len(u_ids)], inverse[len(u_ids) :]
        major = np.asarray(major, dtype=bool)
        gaps = _gap_edges(lines, u, v, len(ids))
        if gaps:
            lines = np.concatenate([lines, np.asarray([g[2] for g in gaps], dtype=object)])
            u = np.concatenate([u, [g[0] for g in gaps]])
            v = np.concatenate([v, [g[1] for g in gaps]])
            major = np.concatenate([major, np.zeros(len(gaps), dtype=bool)])
        gap = np.zeros(len(lines), dtype=bool)
        gap[len(lines) - len(gaps) :] = True
        length = np.maximum(shapely.length(lines), 0.01)
        crosses = np.zeros(len(lines), dtype=bool)
        if len(barriers):
            hits, _ = shapely.STRtree(barriers).query(lines, predicate="crosses")
            crosses[np.unique(hits)] = True
        graph = _minimum_duplicates(u, v, length, len(ids))
        return cls(lines, u, v, length, major, crosses, gap, graph)

    @property
    def node_count(self) -> int:
        return self.graph.shape[0]

    def snap(self, points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each point's nearest edge, its offset along it, and its distance from it."""
        tree = shapely.STRtree(self.lines)
        point_index, edge_index = tree.query_nearest(points, all_matches=False)
        edges = np.empty(len(points), dtype=int)
        edges[point_index] = edge_index
        offsets = shapely.line_locate_point(self.lines[edges], points)
        distances = shapely.distance(self.lines[edges], points)
        return edges, offsets, distances

    def distances_from(self, nodes, limit: float = np.inf, return_predecessors: bool = False):
        """Shortest walking distances from each of ``nodes`` to every node."""
        return dijkstra(
            self.graph,
            directed=False,
            indices=nodes,
            limit=limit,
            return_predecessors=return_predecessors,
        )

    def edge_coords(self, a: int, b: int) -> list[tuple[float, float]]:
        """The shortest edge's coordinates from node a to node b."""
        if self._pairs is None:
            self._pairs = {}
            for e in np.argsort(-self.length):  # shortest last, so it wins
                self._pairs[(int(self.u[e]), int(self.v[e]))] = (int(e), True)
                self._pairs[(int(self.v[e]), int(self.u[e]))] = (int(e), False)
        edge, forward = self._pairs[(a, b)]
        coords = list(self.lines[edge].coords)
        return coords if forward else coords[::-1]


def _gap_edges(lines, u, v, n) -> list[tuple[int, int, object]]:
    """Straight edges joining the pieces of a network that do not meet (a village
    whose roads leave the extract, a footway mapped on its own): each piece to
    the nearest node of another, until all hold together."""
    xy = np.zeros((n, 2))
    xy[u] = shapely.get_coordinates(shapely.get_point(lines, 0))
    xy[v] = shapely.get_coordinates(shapely.get_point(lines, -1))
    pairs = np.column_stack([u, v])
    added: list[tuple[int, int, object]] = []
    tree = cKDTree(xy)
    k = 8
    while True:
        rows = np.concatenate([pairs[:, 0], [a for a, _, _ in added]]).astype(int)
        cols = np.concatenate([pairs[:, 1], [b for _, b, _ in added]]).astype(int)
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        if count <= 1:
            return added
        distance, nearest = tree.query(xy, k=min(k, n))
        other = labels[nearest] != labels[:, None]
        distance = np.where(other, distance, np.inf)
        best_column = np.argmin(distance, axis=1)
        best = distance[np.arange(n), best_column]
        linked = 0
        for label in np.unique(labels):
            members = np.flatnonzero(labels == label)
            node = members[np.argmin(best[members])]
            if np.isfinite(best[node]):
                target = int(nearest[node, best_column[node]])
                if labels[target] != label:
                    added.append((int(node), target, shapely.LineString([xy[node], xy[target]])))
                    linked += 1
        if not linked:
            k *= 4  # every near neighbour is in the same piece: look further
            if k > 4 * n:
                return added


def _minimum_duplicates(u, v, length, n):
    """The graph as a symmetric CSR matrix. Two edges between the same nodes would
    be summed by scipy; the walk takes the shorter."""
    a, b = np.minimum(u, v), np.maximum(u, v)
    order = np.lexsort((length, b, a))
    a, b, w = a[order], b[order], length[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, w = a[first], b[first], w[first]
    keep = a != b  # a loop edge adds nothing to shortest paths
    a, b, w = a[keep], b[keep], w[keep]
    return coo_matrix(
        (np.concatenate([w, w]), (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    ).tocsr()


def make_units(edges: np.ndarray, offsets: np.ndarray, max_doors: int) -> list[Unit]:
    """Doors grouped by edge, each edge's run cut every ``max_doors`` doors.

    >>> units = make_units(np.array([0, 0, 1, 0]), np.array([5.0, 1.0, 2.0, 9.0]), 2)
    >>> [(u.edge, u.doors.tolist(), u.start, u.end) for u in units]
    [(0, [1, 0], 1.0, 5.0), (0, [3], 9.0, 9.0), (1, [2], 2.0, 2.0)]
    """
    units = []
    order = np.lexsort((offsets, edges))
    boundaries = np.flatnonzero(np.diff(edges[order])) + 1
    for run in np.split(order, boundaries):
        if len(run) == 0:
            continue
        pieces = int(np.ceil(len(run) / max_doors))
        for piece in np.array_split(run, pieces):
            start, end = float(offsets[piece[0]]), float(offsets[piece[-1]])
            units.append(Unit(int(edges[piece[0]]), piece, start, end))
    return units


def unit_links(network: Network, units: list[Unit]) -> dict[tuple[int, int], int]:
    """Weighted neighbour pairs (i < j) between units; see the module's docstring.

    Units meet where they share a junction, or one or two short doorless streets
    apart; never by a chain of any length, which would make a whole town's units
    each other's neighbours and leave the partition nothing to go by."""
    n_nodes, n_units = network.node_count, len(units)
    rows, cols = [], []
    by_edge: dict[int, list[int]] = {}
    for i, unit in enumerate(units):
        by_edge.setdefault(unit.edge, []).append(i)
    for members in by_edge.values():
        first, last = members[0], members[-1]
        edge = units[first].edge
        rows += [first, last]
        cols += [int(network.u[edge]), int(network.v[edge])]
    touches = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_units, n_nodes)).tocsr()
    doorless = np.ones(len(network.lines), dtype=bool)
    doorless[list(by_edge)] = False
    hard = network.major | network.crosses_barrier | network.gap
    short = _adjacency(network, doorless & ~hard & (network.length < SHORT_LINK_M))
    long = _adjacency(network, doorless & ~hard & (network.length >= SHORT_LINK_M))
    across = _adjacency(network, doorless & hard)
    links: dict[tuple[int, int], int] = {}
    for between, weight in (
        (None, STRONG),
        (short, STRONG // 2),
        (short @ short, STRONG // 4),
        (long, WEAK),
        (across, ACROSS),
    ):
        via = touches if between is None else touches @ between
        pairs = (via @ touches.T).tocoo()
        for a, b in zip(pairs.row.tolist(), pairs.col.tolist(), strict=True):
            if a < b:
                w = (
                    ACROSS
                    if network.major[units[a].edge] or network.major[units[b].edge]
                    else weight
                )
                links[(a, b)] = max(links.get((a, b), 0), w)
    for members in by_edge.values():
        for a, b in zip(members, members[1:], strict=False):  # runs along one edge
            links[(a, b)] = STRONG
    return links


def _adjacency(network: Network, chosen: np.ndarray):
    """Node-to-node matrix of the chosen edges (both directions)."""
    n = network.node_count
    u, v = network.u[chosen], network.v[chosen]
    ones = np.ones(2 * len(u))
    return coo_matrix(
        (ones, (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n)
    ).tocsr()


def connect_components(units: list[Unit], links: dict, centres: np.ndarray) -> None:
    """Join the pieces of a network that does not hold together (villages whose
    roads leave the extract, buildings off every street) by their nearest units,
    so that every turf can still be contiguous in the graph the partition sees."""
    n = len(units)
    while True:
        rows = [a for a, _ in links] + [b for _, b in links]
        cols = [b for _, b in links] + [a for a, _ in links]
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        count, labels = connected_components(graph, directed=False)
        if count <= 1:
            return
        first = np.flatnonzero(labels == labels[0])
        rest = np.flatnonzero(labels != labels[0])
        tree = shapely.STRtree(shapely.points(centres[rest]))
        found, distances = tree.query_nearest(
            shapely.points(centres[first]), return_distance=True, all_matches=False
        )
        best = int(np.argmin(distances))
        a, b = int(first[found[0][best]]), int(rest[found[1][best]])
        links[(min(a, b), max(a, b))] = ACROSS
