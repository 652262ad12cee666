// A Plotly chart that is updated in place: Plotly.react on the same element.
//
// Streamlit's own st.plotly_chart gives a chart a new identity whenever its
// figure changes, so the browser throws the old chart away and draws a new
// one from nothing: a blank frame and a full first draw on every slider move.
// Here the element stays; each new figure goes to Plotly.react, which changes
// only what differs and keeps the old picture until the new one is drawn.
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
  }

  // Draw the newest figure; figures that arrive while one is drawn wait, and
  // only the last of them is drawn. A rerun that sends the same figure again
  // costs nothing.
  async show(figureText, config, plotlyPath) {
    this.latest = figureText === this.shown ? null : { figureText, config };
    if (this.drawing || !this.latest) return;
    this.drawing = true;
    try {
      const Plotly = await loadPlotly(plotlyPath);
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
