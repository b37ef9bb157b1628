namespace Sharpformer.Reports;

/// <summary>
/// The page script of <see cref="AttentionHtml"/>: per group it offers a layer and head selector, draws the chosen
/// matrix as a table (key tokens written vertically, single characters upright), and on hovering a query row shades
/// that row's key tokens by weight. Tokens are set as text, never markup.
/// </summary>
internal static class AttentionHtmlScript
{
    public const string Source = """
        (() => {
          const data = JSON.parse(document.getElementById('attention-data').textContent);
          const stops = data.palette.map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
          const colour = w => {
            const p = Math.min(Math.max(w, 0), 1) * (stops.length - 1);
            const i = Math.min(Math.floor(p), stops.length - 2), t = p - i;
            return 'rgb(' + stops[i].map((v, j) => Math.round(v + (stops[i + 1][j] - v) * t)).join(',') + ')';
          };
          const el = (tag, cls, text) => {
            const e = document.createElement(tag);
            if (cls) e.className = cls;
            if (text !== undefined) e.textContent = text;
            return e;
          };
          document.querySelector('.legend').hidden = false; // the static figure under <noscript> has its own legend
          const app = document.getElementById('app');
          for (const group of data.groups) {
            const layerSelect = el('select'), headSelect = el('select');
            group.layers.forEach((layer, i) => layerSelect.add(new Option(layer.title, i)));
            const grid = el('div', 'grid'), focus = el('div', 'focus');
            const controls = el('div', 'controls');
            const labelled = (text, select) => { const label = el('label', null, text); label.append(select); return label; };
            controls.append(labelled('Layer ', layerSelect), labelled('Head ', headSelect));
            const section = el('section', 'group');
            section.append(el('h2', null, group.name), controls, grid, focus);
            app.append(section);
            const hint = () => focus.replaceChildren(el('span', 'hint', 'Hover a query token to see its weights over the key tokens.'));
            const show = (layer, weights, q, table, row) => {
              table.querySelectorAll('tr.active').forEach(r => r.classList.remove('active'));
              row.classList.add('active');
              table.classList.add('focused');
              const strip = el('div', 'strip');
              strip.append(el('span', 'from', layer.queries[q] + ' →'));
              weights[q].forEach((w, k) => {
                const token = el('span', 'token' + (w > 0.5 ? ' dark' : ''));
                token.style.background = colour(w);
                token.title = layer.keys[k] + ': ' + w.toFixed(3);
                token.append(el('span', null, layer.keys[k]), el('small', null, w.toFixed(2)));
                strip.append(token);
              });
              focus.replaceChildren(strip);
            };
            const draw = () => {
              const layer = group.layers[layerSelect.value];
              const weights = headSelect.value === 'mean' ? layer.mean : layer.heads[headSelect.value];
              const table = el('table', 'heatmap');
              const header = table.createTHead().insertRow();
              header.append(el('th'));
              layer.keys.forEach(k => header.append(el('th', [...k].length === 1 ? 'key upright' : 'key', k)));
              const body = table.createTBody();
              weights.forEach((weightRow, q) => {
                const row = body.insertRow();
                row.append(el('th', 'query', layer.queries[q]));
                weightRow.forEach((w, k) => {
                  const cell = row.insertCell();
                  cell.style.background = colour(w);
                  cell.title = layer.queries[q] + ' → ' + layer.keys[k] + ': ' + w.toFixed(3);
                });
                row.addEventListener('mouseenter', () => show(layer, weights, q, table, row));
              });
              table.addEventListener('mouseleave', () => {
                table.classList.remove('focused');
                table.querySelectorAll('tr.active').forEach(r => r.classList.remove('active'));
                hint();
              });
              grid.replaceChildren(table);
              hint();
            };
            const fillHeads = () => {
              const previous = headSelect.value;
              headSelect.replaceChildren(new Option('mean of heads', 'mean'),
                ...group.layers[layerSelect.value].heads.map((_, h) => new Option('head ' + (h + 1), h)));
              headSelect.value = [...headSelect.options].some(o => o.value === previous) ? previous : 'mean';
            };
            layerSelect.addEventListener('change', () => { fillHeads(); draw(); });
            headSelect.addEventListener('change', draw);
            fillHeads();
            draw();
          }
        })();
        """;
}
