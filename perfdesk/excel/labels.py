"""Labels of the bureau's forms and the variants met in real files, as data.

Every variant is written in its normalised form (see ``excel_values.norm``: NFKC, so
full-width brackets and colons become ASCII; no whitespace; no trailing colon; no unit
suffix such as ``(元)``). The first variant of each entry is the one named in messages.
"""

from __future__ import annotations

# Declaration (forms.md §1): field → label variants.
DECLARATION_FIELDS: dict[str, tuple[str, ...]] = {
    # The declaring unit first: a form naming both 预算单位 and 实施单位 is the former's.
    "unit": (
        "申报单位名称",
        "申报单位",
        "单位名称",
        "预算单位",
        "填报单位",
        "项目单位",
        "实施单位",
        "项目实施单位",
    ),
    "name": ("项目名称", "专项资金名称", "资金名称"),
    "project_type": ("项目类型", "项目类别"),
    "fund_use": ("资金用途", "项目资金用途"),
    "start_date": ("开始时间", "开始日期", "项目开始时间", "起始时间", "项目起始时间"),
    "end_date": ("结束时间", "结束日期", "项目结束时间", "完成时间", "截止时间"),
    "overview": (
        "项目概况",
        "项目基本情况",
        "项目简介",
        "项目概述",
        "项目总体概况",
        "项目内容",
        "项目建设内容",
        "建设内容",
        "主要建设内容",
    ),
    "basis": ("立项依据", "项目立项依据", "项目立项的依据", "立项的依据", "政策依据"),
    "necessity": (
        "项目设立的必要性",
        "项目设立必要性",
        "项目必要性",
        "立项必要性",
        "必要性",
        "项目申报的必要性",
        "项目立项的必要性",
        "设立必要性",
    ),
    "measures": (
        "保证项目实施的制度、措施",
        "保证项目实施的制度,措施",
        "保证项目实施的制度和措施",
        "保证项目实施的制度措施",
        "项目实施的制度、措施",
    ),
    "total_budget": (
        "项目总预算",
        "项目总预算金额",
        "总预算",
        "中期预算资金总额",
        "中期财政预算",
        "中期市财政预算",
        "中期资金总额",
        "项目总投资",
        "项目预算总额",
    ),
    "year_budget": (
        "项目当年预算",
        "当年预算",
        "项目当年预算金额",
        "本年预算",
        "年度资金总额",
        "资金总额",
        "年度预算资金总额",
        "当年年度预算",
        "年度预算",
        "年度预算数",
        "本年度预算",
        "本年度申请财政预算资金",
        "本年度申请市财政预算资金",
        "本年度申请资金",
        # 年度资金总额及构成 | 总额 | 10606.7522万元: the total row under the money block.
        "总额",
    ),
    "prev_year_budget": ("同名项目上年预算额", "同名项目上年预算", "上年预算额", "上年预算数"),
    "prev_year_spent": (
        "同名项目上年预算执行数",
        "同名项目上年执行数",
        "上年预算执行数",
        "上年执行数",
    ),
    "plan": ("项目实施计划", "实施计划", "项目实施进度计划", "实施进度计划"),
    # 总体目标 is also the block over a 中长期目标 | 年度目标 header row: a label in a row
    # of labels has no value beside it, so there the sub-headers take over.
    "overall_goal": (
        "项目总目标",
        "总目标",
        "总体目标",
        "总体绩效目标",
        "项目总体绩效目标",
        "项目总体目标",
        "中长期目标",
        "中期目标",
        "中期滚动目标",
        "长期目标",
        "实施期目标",
        "项目长期目标",
    ),
    "annual_goal": (
        "年度绩效目标",
        "年度目标",
        "年度总体目标",
        "当年目标",
        "本年度目标",
        "年度主要目标和成果",
        "年度主要目标",
    ),
    "remarks": ("备注",),
}
# One cell holding both dates (预算管理一体化 forms): 2024年1月-2024年12月, 2024.1.1至2024.12.31.
DATE_RANGE_LABELS = (
    "项目期限",
    "实施期限",
    "项目实施期限",
    "起止时间",
    "项目起止时间",
    "项目起止日期",
    "实施周期",
    "项目周期",
    "执行期限",
    "建设周期",
    "项目期",
)
# A label's note that is not part of its name: 填报单位（盖章）, 单位负责人（签字）.
LABEL_NOTES = ("盖章", "签字", "签章", "公章", "签名", "签字盖章", "签字并盖章")
MONEY_FIELDS = ("total_budget", "year_budget", "prev_year_budget", "prev_year_spent")
DATE_FIELDS = ("start_date", "end_date")
CHOICE_FIELDS = ("project_type", "fund_use")

SIGNOFF_FIELDS: dict[str, tuple[str, ...]] = {
    "head": ("单位负责人", "负责人", "单位负责人(签字)", "负责人(签字)"),
    "preparer": ("填表人", "经办人"),
    "phone": ("联系电话", "电话"),
    "date": ("填报日期", "填表日期"),
}

YEAR_LABELS = ("年度", "预算年度", "项目年度", "申报年度")

# Labels that head a block or name a row of the form and never hold a value of their own
# (a value position beside them is another label or blank): seen on the provinces' forms.
# They are labels all the same, so no field ever takes one as its text.
BLOCK_LABELS = (
    "项目资金",
    "项目资金情况",
    "资金情况",
    "项目资金申请",
    "预算执行情况",
    "年度预算数",
    "项目基本情况",
    "项目年度目标完成情况",
    "项目实施内容及过程概述",
    "项目绩效目标",
    "绩效目标",
    "总体目标",
    "年度总体目标",
    "绩效指标",
    "长期绩效指标",
    "年度绩效指标",
    "立项情况",
    "项目立项情况",
    "项目申报的可行性",
    "项目属性",
    "项目类别",
    "项目性质",
    "项目分类",
    "主管部门",
    "主管部门编码",
    "主管部门及代码",
    "业务主管部门",
    "县级主管部门",
    "项目负责人",
    "项目负责人及电话",
    "负责人及电话",
    "财务负责人",
    "单位职能概述",
    "评价结论",
    "存在问题",
    "改进措施",
    "其他说明的问题",
    "指标解释",
    "预算项目成本构成",
    "财政资金预算分类",
    "财政资金科目代码",
    "项目审批",
)
# Money rows under a block label (项目资金（万元）): the composition of the total. A
# declaration keeps only the totals; a 自评表 keeps these as its fund rows.
MONEY_ROWS = (
    "财政拨款",
    "当年财政拨款",
    "本年财政拨款",
    "财政资金",
    "其中:财政资金",
    "财政专户管理资金",
    "单位资金",
    "其他资金",
    "其它资金",
    "自有资金",
    "上年结转资金",
    "上年结转",
    "总额",
    "合计",
)

# The block of sub-projects (项目当年投入资金构成).
BUDGET_BLOCK = ("项目当年投入资金构成", "当年投入资金构成", "资金构成")
BUDGET_ITEM_NAME = ("子项目名称", "子项目", "明细项目名称")
BUDGET_ITEM_AMOUNT = ("预算金额", "金额")

# Indicator table headers (both frameworks, declarations and evaluations).
IND_CATEGORY = ("分解目标内容", "一级指标")
IND_SUBCATEGORY = ("二级指标",)
IND_NAME = ("三级指标", "绩效指标", "指标名称", "具体指标", "指标内容")
IND_TARGET = (
    "指标目标值",
    "年度指标值",
    "指标值",
    "目标值",
    "预期指标值",
    "年度目标值",
    "当年预期实现值",
    "绩效指标值",
    "计划指标值",
)
IND_NATURE = ("指标性质", "指标方向", "运算符号")
IND_UNIT = ("度量单位", "计量单位")
IND_ACTUAL = ("实际完成值", "全年实际值", "实际值", "实际完成情况值", "完成值", "全年完成值")
IND_WEIGHT = ("分值", "权重", "指标分值")
IND_SCORE = ("得分", "自评得分")
IND_DEVIATION = (
    "偏差原因分析及改进措施",
    "偏差原因分析及改进措施说明",
    "偏差原因及改进措施",
    "偏差原因分析",
    "偏差原因",
    "未完成原因分析",
    "未完成原因分析及改进措施",
    "未完成原因和改进措施",
    "偏差原因分析及改进措施说明",
)
IND_TIER = ("达成情况", "完成等级", "评价等级")

# Flat list columns identifying the project (one row per indicator).
LIST_NAME = ("项目名称",)
LIST_UNIT = ("申报单位", "申报单位名称", "单位名称", "实施单位", "预算单位", "单位", "部门")
LIST_YEAR = YEAR_LABELS

# Self-evaluation (forms.md §2).
EVAL_TITLE_MARKS = ("自评表",)
SHANGHAI_TITLE_MARKS = ("财政项目支出绩效自评表", "上海")
# 县级主管部门 (湖南 county 专项资金 forms), 业务主管部门 (重庆): the level or kind before it.
SUPERVISOR_LABELS = (
    "主管部门",
    "主管部门名称",
    "业务主管部门",
    "县级主管部门",
    "市级主管部门",
    "区级主管部门",
    "省级主管部门",
    "主管单位",
)
EVAL_SUPERVISOR = SUPERVISOR_LABELS
LIST_SUPERVISOR = SUPERVISOR_LABELS
EVAL_UNIT = (
    "实施单位",
    "项目实施单位",
    "项目单位",
    "申报单位",
    "申报单位名称",
    "单位名称",
    "填报单位",
)
EVAL_MONEY_BLOCK = ("项目资金", "项目资金情况", "资金情况", "预算执行情况", "年度预算数")
EVAL_INITIAL = ("年初预算数", "年初预算")
EVAL_ADJUSTED = ("全年预算数", "调整后预算数", "全年预算", "调整后预算")
EVAL_SPENT = ("全年执行数", "实际执行数", "执行数", "预算执行数", "全年执行")
EVAL_RATE = ("执行率", "预算执行率")
EVAL_ROW_TOTAL = ("年度资金总额", "资金总额", "合计", "总额", "年度预算资金总额")
EVAL_ROW_APPROPRIATION = (
    "当年财政拨款",
    "财政拨款",
    "本年财政拨款",
    "财政资金",
    "其中:当年财政拨款",
    "其中:财政拨款",
)
EVAL_ROW_CARRIED = ("上年结转资金", "上年结转", "结转资金")
EVAL_ROW_OTHER = ("其他资金", "其它资金")
# The national 申报表's 项目资金 rows under 年度资金总额 (DeclarationFunds attribute → labels).
DECLARATION_FUND_ROWS: dict[str, tuple[str, ...]] = {
    "appropriation": EVAL_ROW_APPROPRIATION,
    "other": EVAL_ROW_OTHER,
}
# Fund rows a 自评表 may show that the record has no place for (四川: 财政专户管理资金,
# 单位资金): read, and reported when they hold money, never added to another row.
EVAL_ROW_UNKEPT = ("财政专户管理资金", "单位资金")
EVAL_GOAL_EXPECTED = ("预期目标", "项目年度目标", "年初设定目标", "年度目标")
EVAL_GOAL_ACTUAL = ("实际完成情况", "年度目标完成情况", "全年实际完成情况", "目标完成情况")
EVAL_TOTAL = ("总分", "合计得分")
EVAL_GRADE = ("自评等级", "评价等级")

# Tier words as written on sheets → forms.md tier.
TIER_WORDS: dict[str, str] = {
    "达成年度指标": "达成",
    "达成": "达成",
    "部分达成并具有一定效果": "部分达成",
    "部分达成": "部分达成",
    "未达成且效果较差": "未达成",
    "未达成": "未达成",
}

# Rows that end an indicator or item table (labels found below it on the forms).
TABLE_END = (
    "备注",
    "单位负责人",
    "负责人",
    "填表人",
    "联系电话",
    "填报日期",
    "总分",
    "合计得分",
    "自评等级",
    "审核意见",
    "评价结论",
    "存在问题",
    "改进措施",
    "项目负责人",
    "财务负责人",
    "其他说明的问题",
    "主管部门审核意见",
)
# A row that sums the table (its first filled cell): skipped in a list, the end of the
# table on a form.
TOTAL_ROWS = ("合计", "小计", "总计")
# Flat list columns per project (一体化 lists): the budget and the annual goal.
LIST_BUDGET = ("预算数", "预算金额", "年度预算数", "项目预算数", "预算资金", "资金总额")
LIST_GOAL = ("年度目标", "年度绩效目标", "绩效目标", "项目年度目标")

# Checkbox marks. Anything else next to an option is not a mark.
CHECKED_MARKS = ("☑", "■", "√", "✓", "✔", "▇", "☒", "[x]", "[X]", "[√]", "[✓]", "(√)", "(✓)", "☛")
UNCHECKED_MARKS = ("□", "☐", "[]", "[ ]", "( )", "()", "〇", "○")

# Mid-year monitoring (forms.md §5): 项目支出绩效运行监控表 / 绩效目标执行监控表 / 绩效监控表.
MONITOR_TITLE_MARKS = ("监控",)
MONITOR_UNIT = (
    "实施单位",
    "项目实施单位",
    "项目执行单位",
    "执行单位",
    "项目单位",
    "申报单位",
    "单位名称",
    "填报单位",
    "预算单位",
)
# The money block's columns. 1–X月执行数 and 截至X月底执行数 carry the month and are matched
# by pattern (MONITOR_SPENT_PATTERN); these are the words without one.
MONITOR_INITIAL = ("年初预算数", "年初预算")
MONITOR_ADJUSTED = ("调整后预算数", "全年预算数", "调整后预算", "调整预算数", "全年预算")
MONITOR_SPENT = ("执行数", "预算执行数", "已执行数", "实际执行数", "累计执行数", "支出数")
MONITOR_FORECAST = ("全年预计执行数", "预计全年执行数", "全年预计支出数", "预计执行数")
MONITOR_RATE = ("执行率", "预算执行率")
MONITOR_EXPECTED = ("序时进度", "时间进度")
MONITOR_ROW_TOTAL = ("年度资金总额", "资金总额", "合计", "总额", "年度预算资金总额")
MONITOR_ROW_APPROPRIATION = (
    "财政拨款",
    "当年财政拨款",
    "本年财政拨款",
    "财政资金",
    "当年一般公共预算拨款",
    "一般公共预算拨款",
    "一般公共预算",
)
MONITOR_ROW_CARRIED = ("上年结转", "上年结转资金", "结转资金")
MONITOR_ROW_OTHER = ("其他资金", "其它资金")
MONITOR_GOAL = (
    "年度总体目标完成情况",
    "总体目标完成情况",
    "年度目标完成情况",
    "年度总体目标执行情况",
)
MONITOR_GOAL_BLOCK = ("年度总体目标",)
MONITOR_DEVIATION_ANALYSIS = (
    "偏差或不能完成目标原因分析",
    "偏差原因分析及纠偏措施",
    "不能完成目标原因分析",
    "偏差情况及原因分析",
)
MONITOR_MEASURES = ("相关建议或举措", "相关建议及举措", "下一步措施", "拟采取的措施", "改进建议")
MONITOR_ADJUST = ("是否需要调整绩效目标", "是否调整绩效目标", "是否需调整绩效目标")
MONITOR_ADJUSTMENT = ("调整内容", "绩效目标调整情况", "调整情况", "调整后绩效目标")
MONITOR_MONTH = ("截至月份", "截止月份", "监控月份", "监控时点")
# Labels after the indicator table on the provinces' monitoring forms: they end it.
MONITOR_TABLE_END = (
    *MONITOR_DEVIATION_ANALYSIS,
    *MONITOR_MEASURES,
    *MONITOR_ADJUST,
    *MONITOR_ADJUSTMENT,
    *MONITOR_GOAL,
)
# Indicator table columns of a monitoring form (headers, normalised).
MONITOR_FORECAST_COLUMN = ("全年预计完成情况", "全年预计完成值", "预计全年完成情况", "预计年底完成情况",
                           "预计全年完成值", "全年预计完成")  # fmt: skip
MONITOR_LIKELIHOOD_COLUMN = ("完成目标可能性", "完成可能性", "目标完成可能性", "完成目标的可能性")
MONITOR_CAUSE_COLUMN = ("原因类型", "偏差原因类型", "原因分类", "偏差类型")
MONITOR_DEVIATION_COLUMN = ("偏差原因分析", "偏差原因", "原因说明", "偏差原因说明", "原因分析",
                            "偏差原因分析及改进措施", "未完成原因分析")  # fmt: skip
MONITOR_REMEDY_COLUMN = ("改进措施", "纠偏措施", "整改措施", "拟采取的措施", "下一步措施")
MONITOR_REMARKS_COLUMN = ("备注",)
# Cause and likelihood written as one column per option, ticked with a mark (财预〔2019〕136号).
CAUSE_WORDS: dict[str, str] = {
    "经费保障": "经费保障",
    "制度保障": "制度保障",
    "人员保障": "人员保障",
    "硬件保障": "硬件保障",
    "硬件条件保障": "硬件保障",
    "其他": "其他",
    "其它": "其他",
}
LIKELIHOOD_WORDS: dict[str, str] = {
    "确定能": "确定能",
    "有可能": "有可能",
    "完全不可能": "完全不可能",
    "不可能": "完全不可能",
}
# Flat monitoring lists (forms.md §5): one row per project.
MLIST_NAME = ("支出项目名称", "项目名称")
MLIST_UNIT = ("单位", "预算单位", "单位名称", "实施单位")
MLIST_CODE = ("项目编码", "项目代码", "项目编号")
MLIST_INITIAL = ("年初预算数", "年初预算")
MLIST_ADD = ("追加数", "追加")
MLIST_CUT = ("追减数", "追减", "调减数")
MLIST_ADJUSTED = ("调整预算数", "调整后预算数", "全年预算数")
MLIST_GOAL = ("绩效目标", "年度绩效目标")
MLIST_RATE = ("预算执行率", "执行率")
MLIST_ON_SCHEDULE = ("是否达到序时支出进度", "是否达到序时进度")
MLIST_STAGE = ("是否达到阶段性绩效目标",)
MLIST_CAUSE = ("原因类型",)
MLIST_ANALYSIS = ("情况分析", "原因分析")
MLIST_ADJUSTMENT = ("绩效目标调整情况",)
