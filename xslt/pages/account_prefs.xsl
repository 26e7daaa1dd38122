<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- account_prefs.xsl - "Préférences de notification": one box per kind
     of mail a person may turn off (status, reminder, message), and the
     mails that are always sent, said so.  Every mail's footer links here
     (xslt/mail/common.xsl).  Input: /page/prefs/kind[@name, @on]. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('account.prefs.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('account.prefs.title')"/></h1>
    <xsl:if test="prefs/@done = 'saved'">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg('account.prefs.done')"/></div>
    </xsl:if>
    <p><xsl:value-of select="g:msg('account.prefs.intro')"/></p>
    <form method="post" action="/account/preferences">
      <xsl:call-template name="csrf"/>
      <fieldset>
        <legend><xsl:value-of select="g:msg('account.prefs.legend')"/></legend>
        <xsl:for-each select="prefs/kind">
          <div class="choice">
            <input type="checkbox" id="pref-{@name}" name="{@name}" value="on">
              <xsl:if test="@on = 'yes'"><xsl:attribute name="checked">checked</xsl:attribute></xsl:if>
            </input>
            <xsl:text> </xsl:text>
            <label for="pref-{@name}" class="inline"><xsl:value-of select="g:msg(concat('account.prefs.kind.', @name))"/></label>
          </div>
        </xsl:for-each>
      </fieldset>
      <p><button type="submit"><xsl:value-of select="g:msg('account.prefs.save')"/></button></p>
    </form>
    <h2><xsl:value-of select="g:msg('account.prefs.required.title')"/></h2>
    <p><xsl:value-of select="g:msg('account.prefs.required.intro')"/></p>
    <ul>
      <li><xsl:value-of select="g:msg('account.prefs.required.security')"/></li>
      <li><xsl:value-of select="g:msg('account.prefs.required.codes')"/></li>
      <li><xsl:value-of select="g:msg('account.prefs.required.deadlines')"/></li>
    </ul>
    <p><a href="/account"><xsl:value-of select="g:msg('account.back')"/></a></p>
  </xsl:template>
</xsl:stylesheet>
