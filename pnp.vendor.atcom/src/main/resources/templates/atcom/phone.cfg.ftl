<#--
  ATCOM per-phone file <mac>.cfg (phone scope: may hold credentials).
  Older ATCOM/Fanvil sectioned format; the keys marked UNCERTAIN in the README were not confirmed
  for current firmware. Data model: see the bundle's README.
-->
<#import "atcom.ftl" as a>
<<VOIP CONFIG FILE>>Version:${version}
<@a.section "SIP CONFIG MODULE">
<@a.kv "SIP1 Phone Number" account.extension/>
<@a.kv "SIP1 Display Name" account.displayName/>
<@a.kv "SIP1 Register Addr" account.server/>
<@a.kv "SIP1 Register Port" account.port/>
<@a.kv "SIP1 Register User" account.userId/>
<@a.kv "SIP1 Register Pswd" account.password/>
<@a.kv "SIP1 Auth User" account.authId/>
<@a.kv "SIP1 Enable Reg" 1/>
<#if account.voicemail?has_content>
<@a.kv "SIP1 VoiceMail Number" account.voicemail/>
</#if>
</@a.section>
<#if codecs?has_content>
<@a.section "DSP CONFIG MODULE">
<#list codecs as codec>
<@a.kv "Voice Codec${codec?counter}" a.codecName(codec)/>
</#list>
</@a.section>
</#if>
<#if lineKeys?has_content>
<@a.section "DSSKEY CONFIG MODULE">
<#list lineKeys as key>
<@a.kv "Fkey${key.position} Type" a.keyType(key.type)/>
<@a.kv "Fkey${key.position} Value" key.value/>
<@a.kv "Fkey${key.position} Title" key.label/>
</#list>
</@a.section>
</#if>
<@a.section "AUTOUPDATE CONFIG MODULE">
<@a.kv "Download Server IP" provisioning.url/>
<#if provisioning.user?has_content>
<@a.kv "Download Username" provisioning.user/>
<@a.kv "Download Password" provisioning.password/>
</#if>
</@a.section>
<#if adminPassword?has_content>
<@a.section "MMI CONFIG MODULE">
<@a.kv "Admin Password" adminPassword/>
</@a.section>
</#if>
<@a.otherOverrides/>
<<END OF FILE>>
