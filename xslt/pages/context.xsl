<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!-- context.xsl - "Choix de l'espace sécurisé": for whom the person acts,
     one radio per context ("Prénom Nom, pour moi-même", "Prénom Nom, pour
     <entité>"), posted to /context.  Input: /page/choice/option. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('context.title')"/>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="g:msg('context.title')"/></h1>
    <xsl:if test="choice/@done">
      <div class="flash flash-ok" role="status"><xsl:value-of select="g:msg(concat('tools.context.done.', choice/@done))"/></div>
    </xsl:if>
    <xsl:apply-templates select="offer"/>
    <form method="post" action="/context" class="context-choice">
      <xsl:call-template name="csrf"/>
      <input type="hidden" name="return_to" value="{choice/@return-to}"/>
      <fieldset>
        <legend><xsl:value-of select="g:msg('context.legend')"/></legend>
        <xsl:for-each select="choice/option">
          <div class="choice">
            <input type="radio" name="space" id="ctx-{position()}" value="{@space}">
              <xsl:if test="@active = 'yes' or (not(../option[@active = 'yes']) and position() = 1)">
                <xsl:attribute name="checked">checked</xsl:attribute>
              </xsl:if>
            </input>
            <label for="ctx-{position()}">
              <xsl:value-of select="@name"/>
              <xsl:text>, </xsl:text>
              <xsl:choose>
                <xsl:when test="@kind = 'entity'">
                  <xsl:value-of select="g:msg('ctx.for')"/>
                  <xsl:text> </xsl:text>
                  <xsl:value-of select="@entity"/>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="g:msg('ctx.self')"/></xsl:otherwise>
              </xsl:choose>
            </label>
            <xsl:if test="@kind = 'entity'">
              <span class="hint">
                <xsl:value-of select="@ide"/>
                <xsl:if test="@function">
                  <xsl:text> · </xsl:text><xsl:value-of select="@function"/>
                </xsl:if>
                <xsl:if test="@referent = 'yes'">
                  <xsl:text> · </xsl:text><xsl:value-of select="g:msg('context.you_are_referent')"/>
                </xsl:if>
                <xsl:if test="@contact-email">
                  <xsl:text> · </xsl:text><xsl:value-of select="g:msg('tools.context.contact', @contact-email)"/>
                </xsl:if>
              </span>
            </xsl:if>
            <xsl:if test="@active = 'yes'">
              <span class="current"><xsl:text> </xsl:text><xsl:value-of select="g:msg('context.current')"/></span>
            </xsl:if>
          </div>
        </xsl:for-each>
      </fieldset>
      <p><button type="submit"><xsl:value-of select="g:msg('context.next')"/></button></p>
    </form>
    <xsl:if test="choice/option[@referent = 'yes' or @delegate = 'yes']">
      <h2><xsl:value-of select="g:msg('context.manage')"/></h2>
      <p class="hint"><xsl:value-of select="g:msg('context.manage_hint')"/></p>
      <ul>
        <xsl:for-each select="choice/option[@referent = 'yes' or @delegate = 'yes']">
          <li>
            <xsl:choose>
              <xsl:when test="@active = 'yes'">
                <a href="/spaces/{@space}/members"><xsl:value-of select="@entity"/></a>
              </xsl:when>
              <xsl:otherwise>
                <!-- one click: act for the entity, then its members page -->
                <form method="post" action="/context" class="inline">
                  <xsl:call-template name="csrf"/>
                  <input type="hidden" name="space" value="{@space}"/>
                  <input type="hidden" name="return_to" value="/spaces/{@space}/members"/>
                  <button type="submit"><xsl:value-of select="@entity"/></button>
                </form>
              </xsl:otherwise>
            </xsl:choose>
          </li>
        </xsl:for-each>
      </ul>
    </xsl:if>
    <xsl:if test="not(choice/option[@kind = 'entity'])">
      <p class="hint"><xsl:value-of select="g:msg('context.none')"/></p>
    </xsl:if>
    <xsl:if test="choice/@may-join = 'yes'">
      <h2><xsl:value-of select="g:msg('tools.join.title')"/></h2>
      <p><xsl:value-of select="g:msg('tools.context.join_hint')"/></p>
      <p><a href="/spaces/join"><xsl:value-of select="g:msg('tools.join.title')"/></a></p>
    </xsl:if>
  </xsl:template>

  <!-- the référent role, offered to the reader: accept or decline -->
  <xsl:template match="offer">
    <section class="flash" aria-labelledby="offer-{@space}">
      <h2 id="offer-{@space}"><xsl:value-of select="g:msg('tools.offer.title', @entity)"/></h2>
      <p><xsl:value-of select="g:msg('tools.offer.intro')"/></p>
      <form method="post" action="/spaces/{@space}/referent/accept" class="inline">
        <xsl:call-template name="csrf"/>
        <button type="submit"><xsl:value-of select="g:msg('tools.offer.accept')"/></button>
      </form>
      <xsl:text> </xsl:text>
      <form method="post" action="/spaces/{@space}/referent/decline" class="inline">
        <xsl:call-template name="csrf"/>
        <button type="submit"><xsl:value-of select="g:msg('tools.offer.decline')"/></button>
      </form>
    </section>
  </xsl:template>
</xsl:stylesheet>
