// graph.reachable and graph.reachable_paths over an adjacency object: node -> set or array of neighbours.
import { BuiltinError, collection, obj } from './args.js';
function neighbours(graph, node) {
    if (typeof node !== 'string' || !Object.hasOwn(graph, node))
        return undefined;
    const edges = graph[node];
    if (edges === null)
        return [];
    if (!Array.isArray(edges))
        throw new BuiltinError('graph values must be sets or arrays of nodes');
    return edges;
}
function reachable(graphArg, initialArg) {
    const graph = obj(graphArg, 1);
    const queue = [...collection(initialArg, 2)];
    const reached = new Map();
    while (queue.length > 0) {
        const node = queue.shift();
        const key = JSON.stringify(node);
        if (reached.has(key))
            continue;
        const edges = neighbours(graph, node);
        if (edges === undefined)
            continue;
        reached.set(key, node);
        queue.push(...edges);
    }
    return [...reached.values()];
}
/** Every path from an initial node that ends at a node without further edges or where it would loop. */
function reachablePaths(graphArg, initialArg) {
    const graph = obj(graphArg, 1);
    const found = new Map();
    const emit = (path) => {
        if (path.length > 0)
            found.set(JSON.stringify(path), path);
    };
    const walk = (node, path) => {
        const edges = neighbours(graph, node);
        if (edges === undefined)
            return emit(path);
        const here = [...path, node];
        const onward = edges.filter((n) => !here.some((p) => JSON.stringify(p) === JSON.stringify(n)));
        if (onward.length < edges.length || edges.length === 0)
            emit(here);
        for (const next of onward)
            walk(next, here);
    };
    for (const start of collection(initialArg, 2))
        walk(start, []);
    return [...found.values()];
}
export const graphBuiltins = {
    'graph.reachable': reachable,
    'graph.reachable_paths': reachablePaths,
};
//# sourceMappingURL=graph.js.map