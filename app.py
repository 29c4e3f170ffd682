"""预算透视 Budget Lens: the router. Page config, the navigation (ui.frame.PAGES: order and
titles), the shared frame (database on first start, 部门/年度 selectors, 示例数据 banner), then the
page the URL names."""

from ui import frame

frame.route()
