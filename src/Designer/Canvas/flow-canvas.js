// The flow canvas: draws what .NET sends and reports what the user does. .NET owns the flow model;
// this module keeps no flow state of its own beyond X6's drawing, and every gesture goes back to
// .NET in batches (one interop call per batch, never one per node or port).
import { Graph, Snapline } from '@antv/x6';
import { graphlib, layout as dagreLayout } from '@dagrejs/dagre';

const NODE_WIDTH = 210;
const NODE_HEIGHT = 66;
const COLORS = {
  trigger: '#2e7d32',
  condition: '#ef6c00',
  split: '#8e24aa',
  delay: '#1565c0',
  wait: '#00838f',
  action: '#c62828',
  exit: '#546e7a',
};

const canvases = new Map();
let nextHandle = 1;

Graph.registerNode('flow-node', {
  inherit: 'rect',
  width: NODE_WIDTH,
  height: NODE_HEIGHT,
  markup: [
    { tagName: 'rect', selector: 'body' },
    { tagName: 'rect', selector: 'stripe' },
    { tagName: 'text', selector: 'kind' },
    { tagName: 'text', selector: 'title' },
    { tagName: 'text', selector: 'counts' },
  ],
  attrs: {
    body: { refWidth: '100%', refHeight: '100%', rx: 8, ry: 8, fill: '#ffffff', stroke: '#b0bec5', strokeWidth: 1.5 },
    stripe: { width: 6, refHeight: '100%', rx: 3, ry: 3, fill: '#90a4ae' },
    kind: { refX: 16, refY: 14, fontSize: 11, fill: '#607d8b', textAnchor: 'start', textVerticalAnchor: 'middle', fontFamily: 'Roboto, sans-serif' },
    title: { refX: 16, refY: 34, fontSize: 13, fontWeight: 600, fill: '#263238', textAnchor: 'start', textVerticalAnchor: 'middle', fontFamily: 'Roboto, sans-serif' },
    counts: { class: 'node-counts', refX: 16, refY: 54, fontSize: 11, fill: '#37474f', textAnchor: 'start', textVerticalAnchor: 'middle', fontFamily: 'Roboto, sans-serif' },
  },
  ports: {
    groups: {
      in: {
        position: 'top',
        attrs: { circle: { r: 6, magnet: 'passive', stroke: '#78909c', strokeWidth: 1.5, fill: '#fff' } },
      },
      // A single exit has no name to show: its port carries no label element at all.
      out: {
        position: 'bottom',
        markup: [{ tagName: 'circle', selector: 'circle' }],
        label: { markup: [] },
        attrs: { circle: { r: 6, magnet: true, stroke: '#455a64', strokeWidth: 1.5, fill: '#fff', cursor: 'crosshair' } },
      },
      named: {
        position: 'bottom',
        label: { position: 'bottom' },
        attrs: {
          circle: { r: 6, magnet: true, stroke: '#455a64', strokeWidth: 1.5, fill: '#fff', cursor: 'crosshair' },
          text: { fontSize: 10, fill: '#455a64', fontFamily: 'Roboto, sans-serif' },
        },
      },
    },
  },
}, true);

function portsOf(node) {
  const items = [];
  if (node.hasIn) items.push({ id: 'in', group: 'in' });
  for (const port of node.outPorts) {
    items.push(port ? { id: 'out:' + port, group: 'named', attrs: { text: { text: port } } } : { id: 'out:', group: 'out' });
  }
  return items;
}

function cellOf(node, counts) {
  return {
    id: node.id,
    shape: 'flow-node',
    // Steps above edges: a line passing behind a step never takes its clicks.
    zIndex: 2,
    x: node.x,
    y: node.y,
    ports: { items: portsOf(node) },
    attrs: {
      stripe: { fill: COLORS[node.type] || '#90a4ae' },
      kind: { text: node.kind },
      // .NET shortens titles: measuring text to wrap it costs more than drawing a 200-step flow.
      title: { text: node.title },
      counts: { text: (counts && counts.get(node.id)) || '' },
    },
    data: { type: node.type },
  };
}

function edgeOf(edge) {
  return {
    id: edge.id,
    shape: 'edge',
    zIndex: 1,
    source: { cell: edge.from, port: 'out:' + edge.port },
    target: { cell: edge.to, port: 'in' },
    router: { name: 'orth', args: { padding: 12 } },
    connector: { name: 'rounded' },
    attrs: { line: { stroke: '#78909c', strokeWidth: 1.5, targetMarker: { name: 'block', width: 8, height: 6 } } },
  };
}

function createGraph(state, element, minimapElement) {
  const graph = new Graph({
    container: element,
    // Synchronous drawing: when load() or apply() returns, every cell is in the DOM, so nothing (a
    // test, a click, the next diff) ever sees half a flow.
    async: false,
    autoResize: true,
    grid: { visible: true, size: 10 },
    background: { color: '#fafbfc' },
    panning: { enabled: true, eventTypes: ['leftMouseDown'] },
    mousewheel: { enabled: true, modifiers: ['ctrl', 'meta'], minScale: 0.2, maxScale: 2 },
    interacting: () => ({ nodeMovable: !state.readOnly, edgeMovable: false, magnetConnectable: !state.readOnly }),
    connecting: {
      snap: { radius: 30 },
      allowBlank: false,
      allowLoop: false,
      allowNode: false,
      allowEdge: false,
      allowMulti: false,
      highlight: true,
      router: { name: 'orth', args: { padding: 12 } },
      connector: { name: 'rounded' },
      validateMagnet({ magnet }) {
        const group = magnet.getAttribute('port-group');
        return !state.readOnly && (group === 'out' || group === 'named');
      },
      validateConnection({ sourceCell, targetCell, sourcePort, targetPort }) {
        if (!sourceCell || !targetCell || sourceCell === targetCell) return false;
        if (targetPort !== 'in') return false;
        // An out port leads to one node: a second edge from it would be ambiguous.
        return !graph.getOutgoingEdges(sourceCell)?.some(e => e.getSourcePortId() === sourcePort && e.getTargetCellId());
      },
    },
  });
  graph.use(new Snapline({ enabled: true }));
  if (minimapElement) {
    state.minimapElement = minimapElement;
  }
  return graph;
}

// The minimap: one 2D canvas of coloured rectangles and the visible area, redrawn at most once a
// frame. X6's own minimap draws every cell a second time as SVG, which on a 200-step flow held up
// the first click by about 400 ms.
function addMinimap(state) {
  const { graph, minimapElement } = state;
  if (!minimapElement || state.minimap) return;
  const canvas = document.createElement('canvas');
  const ratio = window.devicePixelRatio || 1;
  const width = minimapElement.clientWidth || 200;
  const height = minimapElement.clientHeight || 140;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = width + 'px';
  canvas.style.height = height + 'px';
  minimapElement.appendChild(canvas);
  const minimap = state.minimap = { canvas, frame: 0, scale: 1, origin: { x: 0, y: 0 } };

  const draw = () => {
    minimap.frame = 0;
    const context = canvas.getContext('2d');
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const nodes = graph.getNodes();
    if (!nodes.length) return;
    // Everything in the canvas's own (local) coordinates: the box around the steps and the visible area.
    const view = state.element.getBoundingClientRect();
    const topLeft = graph.clientToLocal(view.left, view.top);
    const bottomRight = graph.clientToLocal(view.right, view.bottom);
    let left = topLeft.x, top = topLeft.y, right = bottomRight.x, bottom = bottomRight.y;
    for (const node of nodes) {
      const { x, y } = node.getPosition();
      left = Math.min(left, x); top = Math.min(top, y);
      right = Math.max(right, x + NODE_WIDTH); bottom = Math.max(bottom, y + NODE_HEIGHT);
    }
    const box = { x: left, y: top, width: right - left, height: bottom - top };
    const padding = 8;
    minimap.scale = Math.min((width - 2 * padding) / Math.max(box.width, 1), (height - 2 * padding) / Math.max(box.height, 1));
    minimap.origin = { x: box.x - padding / minimap.scale, y: box.y - padding / minimap.scale };
    const toMap = (x, y) => [(x - minimap.origin.x) * minimap.scale, (y - minimap.origin.y) * minimap.scale];
    for (const node of nodes) {
      const { x, y } = node.getPosition();
      const [mx, my] = toMap(x, y);
      context.fillStyle = COLORS[node.getData()?.type] || '#90a4ae';
      context.fillRect(mx, my, Math.max(NODE_WIDTH * minimap.scale, 2), Math.max(NODE_HEIGHT * minimap.scale, 1.5));
    }
    const [vx, vy] = toMap(topLeft.x, topLeft.y);
    context.strokeStyle = '#1e63d6';
    context.lineWidth = 1.5;
    context.strokeRect(vx, vy, (bottomRight.x - topLeft.x) * minimap.scale, (bottomRight.y - topLeft.y) * minimap.scale);
  };
  minimap.request = () => { if (!minimap.frame) minimap.frame = requestAnimationFrame(draw); };
  for (const event of ['cell:added', 'cell:removed', 'node:change:position', 'scale', 'translate', 'resize', 'model:reseted']) {
    graph.on(event, minimap.request);
  }

  // Pressing or dragging on the minimap centres the canvas there.
  const centre = (e) => {
    const rect = canvas.getBoundingClientRect();
    graph.centerPoint((e.clientX - rect.left) / minimap.scale + minimap.origin.x, (e.clientY - rect.top) / minimap.scale + minimap.origin.y);
  };
  canvas.addEventListener('pointerdown', (e) => {
    canvas.setPointerCapture(e.pointerId);
    centre(e);
    const move = (m) => centre(m);
    const up = () => { canvas.removeEventListener('pointermove', move); canvas.removeEventListener('pointerup', up); };
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
  });
  minimap.request();
}

function report(state, gesture) {
  state.queue.push(gesture);
  if (state.flushTimer) return;
  // Gestures of one user action (a layout moves every node) travel to .NET in one call.
  state.flushTimer = setTimeout(() => {
    state.flushTimer = 0;
    const batch = state.queue;
    state.queue = [];
    if (!state.disposed && batch.length) {
      state.dotnet.invokeMethodAsync('OnGesturesAsync', batch).catch(() => { /* circuit gone: the page reloads */ });
    }
  }, 25);
}

function wire(state) {
  const { graph, element } = state;
  graph.on('node:click', ({ node }) => { element.focus({ preventScroll: true }); report(state, { kind: 'select', id: node.id }); });
  graph.on('edge:click', ({ edge }) => { element.focus({ preventScroll: true }); report(state, { kind: 'select-edge', id: edge.id }); });
  graph.on('blank:click', () => { element.focus({ preventScroll: true }); report(state, { kind: 'select', id: null }); });
  graph.on('node:moved', ({ node }) => {
    const p = node.getPosition();
    report(state, { kind: 'move', id: node.id, x: Math.round(p.x), y: Math.round(p.y) });
  });
  graph.on('edge:connected', ({ edge }) => {
    const from = edge.getSourceCellId();
    const port = (edge.getSourcePortId() || '').replace(/^out:/, '');
    const to = edge.getTargetCellId();
    // The drawn edge is a proposal: .NET decides, and draws the edge it keeps with its own id.
    // Removed once X6 has finished its own handling of the gesture (a silent removal would leave the drawing).
    queueMicrotask(() => { if (graph.hasCell(edge.id)) graph.removeEdge(edge.id); });
    if (from && to) report(state, { kind: 'connect', id: from, port, to });
  });
  graph.on('edge:mouseup', ({ edge }) => {
    if (!edge.getTargetCellId() && graph.hasCell(edge.id)) graph.removeEdge(edge);
  });

  element.addEventListener('keydown', state.onKey = (e) => {
    const mod = e.ctrlKey || e.metaKey;
    let kind = null;
    if (e.key === 'Delete' || e.key === 'Backspace') kind = 'delete';
    else if (mod && e.key.toLowerCase() === 'z') kind = e.shiftKey ? 'redo' : 'undo';
    else if (mod && e.key.toLowerCase() === 'y') kind = 'redo';
    else if (mod && e.key.toLowerCase() === 'c') kind = 'copy';
    else if (mod && e.key.toLowerCase() === 'v') kind = 'paste';
    if (!kind) return;
    e.preventDefault();
    report(state, { kind });
  });
  element.addEventListener('dragover', state.onDragOver = (e) => {
    if (state.readOnly) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
  });
  element.addEventListener('drop', state.onDrop = (e) => {
    const type = e.dataTransfer.getData('application/x-flow-node') || e.dataTransfer.getData('text/plain');
    if (state.readOnly || !type) return;
    e.preventDefault();
    const p = graph.clientToLocal(e.clientX, e.clientY);
    report(state, { kind: 'add', type, x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) });
  });
}

// Selection and a run's path are classes on the cells' elements (styled in designer.css): an X6
// attribute change would redraw the cell, and on a large flow that is felt on every click.
function mark(state, id, name, on) {
  const cell = id && state.graph.getCellById(id);
  const view = cell && state.graph.findViewByCell(cell);
  if (view) view.container.classList.toggle(name, on);
}

function select(state, id) {
  mark(state, state.selected, 'selected', false);
  state.selected = id && state.graph.hasCell(id) ? id : null;
  mark(state, state.selected, 'selected', true);
}

function autoLayout(state) {
  const { graph } = state;
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.getNodes()) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.getEdges()) g.setEdge(edge.getSourceCellId(), edge.getTargetCellId());
  dagreLayout(g);
  for (const id of g.nodes()) {
    const n = g.node(id);
    const x = Math.round(n.x - NODE_WIDTH / 2);
    const y = Math.round(n.y - NODE_HEIGHT / 2);
    report(state, { kind: 'move', id, x, y });
    graph.getCellById(id)?.setPosition(x, y);
  }
  graph.zoomToFit({ padding: 30, maxScale: 1 });
}

// X6 hides an empty text element and centres lines with a tspan; a counts update does the same by hand.
function writeCounts(element, text) {
  element.textContent = '';
  if (!text) {
    element.setAttribute('display', 'none');
    return;
  }
  element.removeAttribute('display');
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'tspan');
  line.setAttribute('dy', '0.3em');
  line.textContent = text;
  element.appendChild(line);
}

const operations = {
  'add-node': (state, op) => state.graph.addNode(cellOf(op.node, state.counts)),
  'update-node': (state, op) => {
    const cell = state.graph.getCellById(op.node.id);
    if (!cell) return state.graph.addNode(cellOf(op.node, state.counts));
    const next = cellOf(op.node, state.counts);
    cell.setPosition(op.node.x, op.node.y, { silent: false });
    cell.setAttrs(next.attrs);
    const wanted = next.ports.items.map(p => p.id).join('|');
    if (cell.getPorts().map(p => p.id).join('|') !== wanted) {
      cell.removePorts();
      cell.addPorts(next.ports.items);
    }
  },
  'remove-node': (state, op) => state.graph.removeCell(op.id),
  'add-edge': (state, op) => state.graph.addEdge(edgeOf(op.edge)),
  'remove-edge': (state, op) => state.graph.removeCell(op.id),
  'select': (state, op) => select(state, op.id),
  // Counts change often and are only text: written straight into each node's counts element (an X6
  // attribute update re-renders the whole node), and kept for nodes drawn later.
  'counts': (state, op) => {
    for (const [id, text] of Object.entries(op.counts)) {
      if (state.counts.get(id) === text) continue;
      state.counts.set(id, text);
      const view = state.graph.findViewByCell(id);
      const element = view && view.container.querySelector('.node-counts');
      if (element) writeCounts(element, text);
    }
  },
  'highlight': (state, op) => {
    for (const id of op.ids || []) mark(state, id, 'on-path', true);
  },
  'read-only': (state, op) => { state.readOnly = !!op.value; },
  'zoom': (state, op) => state.graph.zoom(op.by),
  'fit': (state) => state.graph.zoomToFit({ padding: 30, maxScale: 1 }),
  'layout': (state) => autoLayout(state),
};

/** Creates the canvas in element; returns the handle the other calls take. */
export function init(element, dotnet, options) {
  const state = { element, dotnet, queue: [], flushTimer: 0, selected: null, readOnly: !!options?.readOnly, disposed: false, counts: new Map() };
  state.graph = createGraph(state, element, options?.minimap ? document.getElementById(options.minimap) : null);
  wire(state);
  const handle = nextHandle++;
  canvases.set(handle, state);
  return handle;
}

/** Draws a whole model at once: nodes with positions and ports, edges by port. */
export function load(handle, model) {
  const state = canvases.get(handle);
  if (!state) return;
  const started = performance.now();
  state.readOnly = !!model.readOnly;
  state.selected = null;
  state.graph.fromJSON({ cells: [...model.nodes.map(n => cellOf(n, state.counts)), ...model.edges.map(edgeOf)] });
  if (model.fit) state.graph.zoomToFit({ padding: 30, maxScale: 1 });
  // Read by the designer's speed harness (tests/DesignerSpeed).
  performance.measure('flow-canvas load', { start: started, end: performance.now() });
  if (state.minimap) state.minimap.request(); else addMinimap(state);
}

/** Applies a batch of changes computed by .NET (nodes and edges added, changed or removed; selection; counts; view commands). */
export function apply(handle, ops) {
  const state = canvases.get(handle);
  if (!state) return;
  state.graph.batchUpdate(() => {
    for (const op of ops) {
      const run = operations[op.op];
      if (run) run(state, op);
    }
  });
}

export function dispose(handle) {
  const state = canvases.get(handle);
  if (!state) return;
  state.disposed = true;
  clearTimeout(state.flushTimer);
  state.element.removeEventListener('keydown', state.onKey);
  state.element.removeEventListener('dragover', state.onDragOver);
  state.element.removeEventListener('drop', state.onDrop);
  if (state.minimap?.frame) cancelAnimationFrame(state.minimap.frame);
  state.graph.dispose();
  canvases.delete(handle);
}
