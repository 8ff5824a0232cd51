<#--
  ATCOM common file, one per model family (a000000000041.cfg, ...): served to anyone who asks, so it
  holds nothing secret. ${family} and ${fileName} name the family if a template needs to branch.
  Only settings that are configured are written; the phone keeps its own value for the rest.
-->
<#import "atcom.ftl" as a>
<<VOIP CONFIG FILE>>Version:${version}
<#if ntpServer?has_content || timeZone?has_content>
<@a.section "GLOBAL CONFIG MODULE">
<#if ntpServer?has_content>
<@a.kv "Enable SNTP" 1/>
<@a.kv "SNTP Server" ntpServer/>
</#if>
<#if timeZone?has_content>
<@a.kv "Time Zone" timeZone/>
</#if>
</@a.section>
</#if>
<#if language?has_content>
<@a.section "MMI CONFIG MODULE">
<@a.kv "Language" language/>
</@a.section>
</#if>
<#if provisioning.url?has_content || firmwareServer?has_content>
<@a.section "AUTOUPDATE CONFIG MODULE">
<#if provisioning.url?has_content>
<@a.kv "Download Server IP" provisioning.url/>
</#if>
<#if firmwareServer?has_content>
<@a.kv "Flash Server IP" firmwareServer/>
</#if>
</@a.section>
</#if>
<<END OF FILE>>
