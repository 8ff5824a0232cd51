<#--
  Macros for ATCOM's sectioned "Key :value" format, imported by phone.cfg.ftl and common.cfg.ftl.
  Override this file like any other template (see the bundle's README).

  <@section "NAME"> ... </@section>  writes "<NAME>", its body, then the administrator's overrides
                                     for that section (Assignment overrides "NAME/Key").
  <@kv "Key" value/>                 writes "Key :value" unless an override replaces that key in the
                                     current section (the override is then written at the section's end).
  <@otherOverrides/>                 writes the override sections the template did not write itself.

  Every value in the data model is already cleaned: no control characters, no line breaks.
-->
<#assign current = "">
<#assign written = []>
<#macro section name>
<#assign current = name>
<${name}>
<#nested>
<#list (overrides[name])![] as o>
${o.key} :${o.value}
</#list>
<#assign written = written + [name]>
</#macro>
<#macro kv key value>
<#if !(overridden[current + "/" + key])??>
${key} :${value}
</#if>
</#macro>
<#macro otherOverrides>
<#list (overrides)!{} as name, entries>
<#if !written?seq_contains(name)>
<@section name/>
</#if>
</#list>
</#macro>
<#-- UNCERTAIN: codec names as ATCOM firmware spells them; an unknown name is written as given. -->
<#function codecName codec>
<#return {"PCMU": "G711U", "PCMA": "G711A", "G722": "G722", "G729": "G729", "G726": "G726-32", "OPUS": "OPUS"}[codec]!codec>
</#function>
<#-- UNCERTAIN: DSS key type codes. -->
<#function keyType type>
<#return {"SPEED_DIAL": "1", "BLF": "2"}[type]!type>
</#function>
