// On a phone a table marked .app-table--stack shows each row as "label: value" lines (see
// static/src/_phone.scss). The label is the cell's data-label; where a template did not set
// one, it is the text of the column's heading.
export function labelStackedTables(root = document) {
  for (const table of root.querySelectorAll("table.app-table--stack")) {
    const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      let column = 0;
      for (const cell of row.children) {
        if (!cell.hasAttribute("data-label") && cell.tagName === "TD" && headings[column]) {
          cell.setAttribute("data-label", headings[column]);
        }
        column += Number(cell.getAttribute("colspan") || 1);
      }
    }
  }
}
