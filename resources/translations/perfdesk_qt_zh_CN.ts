<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Chinese for the few strings of Qt's own dialogs that Qt's qtbase_zh_CN.qm leaves in
     English: Qt 6.12 added mnemonics (&Look in:) to strings the shipped translation still
     has in their old form (Look in:), so those lookups miss. Loaded after Qt's files by
     perfdesk.ui.app.install_translations; compile with
     pyside6-lrelease resources/translations/perfdesk_qt_zh_CN.ts -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>页面组(&amp;S)：</translation>
    </message>
</context>
</TS>
