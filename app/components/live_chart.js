// A Plotly chart that is updated in place: Plotly.react on the same element.
//
// Streamlit's own st.plotly_chart gives a chart a new identity whenever its
// figure changes, so the browser throws the old chart away and draws a new
// one from nothing: a blank frame and a full first draw on every slider move.
// Here the element stays; each new figure goes to Plotly.react, which changes
// only what differs and keeps the old picture until the new one is drawn.
//
// A chart that is out of sight (below the fold, in a closed tab) keeps its old
// picture when a new figure arrives and draws the new one when it comes into
// view: a change then costs the browser only the charts a person can see, and
// the others follow as they are scrolled to. The first figure is always drawn.
//
// Plotly itself comes from the plotly Python package, served by the app's own
// server (data.plotly_path, relative to the app's address): no request leaves
// the machine, and the browser loads it once per tab.

const charts = new WeakMap(); // one chart per mounted element; Streamlit calls us on every rerun
let plotlyLoading = null;
// On a phone the toolbar would sit over chart titles and legends: it is left out there.
const PHONE = window.matchMedia("(max-width: 640px)");

// The app's base address, found from Streamlit's own script (works behind a path prefix).
function appBase() {
  const script = document.querySelector('script[src*="/static/js/"]');
  if (!script) return new URL("./", document.baseURI).href;
  return script.src.slice(0, script.src.indexOf("static/js/"));
}

function loadPlotly(path) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!plotlyLoading) {
    plotlyLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = appBase() + path;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        plotlyLoading = null;
        reject(new Error(`could not load Plotly from ${script.src}`));
      };
      document.head.appendChild(script);
    });
  }
  return plotlyLoading;
}

class LiveChart {
  constructor(parent) {
    this.graph = document.createElement("div");
    this.graph.className = "ce-live-chart";
    parent.appendChild(this.graph);
    this.latest = null; // the newest figure asked for, as Plotly JSON text
    this.shown = null; // the text of the figure on screen
    this.drawing = false;
    this.received = null; // the text of the last figure Python sent
    this.figures = 0; // how many different figures arrived, shown as data-figures
    this.inView = true; // until the first report of the observer
    this.plotlyPath = null;
    this.watcher = new IntersectionObserver((entries) => {
      this.inView = entries[entries.length - 1].isIntersecting;
      if (this.inView) this.drawLatest();
    });
    this.watcher.observe(this.graph);
  }

  // Draw the newest figure; figures that arrive while one is drawn wait, and
  // only the last of them is drawn. A rerun that sends the same figure again
  // costs nothing.
  // The element's data-figures counts the new figures that arrived, drawn or
  // waiting to be seen, so a test or benchmark can tell the chart took a change.
  show(figureText, config, plotlyPath) {
    if (figureText !== this.received) {
      this.received = figureText;
      this.figures += 1;
      this.graph.dataset.figures = String(this.figures);
    }
    this.latest = figureText === this.shown ? null : { figureText, config };
    this.plotlyPath = plotlyPath;
    this.drawLatest();
  }

  // Out of sight, a chart that already shows a figure waits to be seen.
  async drawLatest() {
    if (this.drawing || !this.latest || (this.shown !== null && !this.inView)) return;
    this.drawing = true;
    try {
      const Plotly = await loadPlotly(this.plotlyPath);
      while (this.latest) {
        const { figureText, config: options } = this.latest;
        this.latest = null;
        const figure = JSON.parse(figureText);
        this.graph.style.minHeight = `${figure.layout.height || 450}px`;
        const phoneOptions = PHONE.matches ? { displayModeBar: false } : {};
        await Plotly.react(this.graph, figure.data, figure.layout, { ...options, ...phoneOptions });
        this.shown = figureText;
      }
    } catch (error) {
      this.graph.textContent = `The chart could not be drawn: ${error.message}`;
    } finally {
      this.drawing = false;
    }
  }

  destroy() {
    this.watcher.disconnect();
    if (window.Plotly) window.Plotly.purge(this.graph);
  }
}

export default function mountLiveChart(component) {
  const { parentElement, data } = component;
  let chart = charts.get(parentElement);
  if (!chart) {
    chart = new LiveChart(parentElement);
    charts.set(parentElement, chart);
  }
  chart.show(data.figure, data.config, data.plotly_path);
  return () => chart.destroy();
}
