<#--
  Grandstream XML configuration, version 1: one element per P-value.
  Data model: mac (12 lower-case hex digits), model (as heard, may be empty),
  values (list of {name, value} in file order), p (map name -> value).
  Output is XML-escaped automatically (*.xml.ftl uses the XML output format).
-->
<?xml version="1.0" encoding="UTF-8"?>
<gs_provision version="1">
  <mac>${mac}</mac>
  <config version="1">
<#list values as v>
    <${v.name}>${v.value}</${v.name}>
</#list>
  </config>
</gs_provision>
